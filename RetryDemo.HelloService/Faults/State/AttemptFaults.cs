using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults.State;

/// <param name="FailNextStatus">The status of the "fail next" failure this attempt took, or null.</param>
/// <param name="Attempt">This attempt's number for its request id, when counted; otherwise null.</param>
/// <param name="Roll">This request's number among the service's seeded random rolls since the last reset, when numbered; otherwise null.</param>
public readonly record struct AttemptFaults(bool Outage, int? FailNextStatus, int FailNextRetryAfterSeconds, int? Attempt, long? Roll = null)
{
    /// <summary>
    /// These values held to the operator API's limits: anyone who can write to the store could have put them
    /// there, and a status such as 999 must never become this service's answer.
    /// </summary>
    public AttemptFaults Trusted() => this with
    {
        FailNextStatus = FailNextStatus is { } status && FaultLimits.FailureStatuses.Contains(status) ? status : null,
        FailNextRetryAfterSeconds = Math.Clamp(FailNextRetryAfterSeconds, 0, FaultLimits.MaxRetryAfterSeconds),
        Attempt = Attempt is { } attempt ? Math.Max(attempt, 1) : null,
        Roll = Roll is { } roll ? Math.Max(roll, 1) : null,
    };
}
