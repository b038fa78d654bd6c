namespace RetryDemo.HelloService.Faults.State;

/// <param name="FailNextStatus">The status of the "fail next" failure this attempt took, or null.</param>
/// <param name="Attempt">This attempt's number for its request id, when counted; otherwise null.</param>
/// <param name="Roll">This request's number among the service's seeded random rolls since the last reset, when numbered; otherwise null.</param>
public readonly record struct AttemptFaults(bool Outage, int? FailNextStatus, int FailNextRetryAfterSeconds, int? Attempt, long? Roll = null);
