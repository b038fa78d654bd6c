namespace RetryDemo.HelloService.Faults.State;

public sealed record FaultStateSnapshot(bool Outage, int FailNextRemaining, int FailNextStatusCode, int FailNextRetryAfterSeconds);
