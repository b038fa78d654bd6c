namespace RetryDemo.HelloService.Faults;

public sealed record FaultStateSnapshot(bool Outage, int FailNextRemaining, int FailNextStatusCode, int FailNextRetryAfterSeconds);
