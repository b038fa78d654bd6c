namespace RetryDemo.Benchmarks.LoopbackClient;

/// <summary>Requests forwarded through any pipeline endpoint (not /stats or /health).</summary>
public sealed class ForwardedRequests
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}
