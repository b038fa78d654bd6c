namespace RetryDemo.Benchmarks.LoopbackClient;

/// <param name="CpuMilliseconds">The process's user + system CPU time.</param>
/// <param name="AllocatedBytes">Bytes allocated by the process since it started.</param>
public sealed record HostStats(long Requests, double CpuMilliseconds, long AllocatedBytes);
