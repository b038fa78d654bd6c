using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.HelloServiceClient;

/// <param name="Reconciled">Every attempt failed, but HelloService confirmed the write had been committed.</param>
public sealed record HelloCallReport(string RequestId, IReadOnlyList<AttemptRecord> Attempts, TimeSpan TotalElapsed, bool Reconciled = false);
