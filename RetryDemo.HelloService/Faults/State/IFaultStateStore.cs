namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// Service-wide fault state set by an operator (fail the next N requests, a full outage) and the
/// attempt count of each logical request, and the seeded rolls' sequence: one value for the whole
/// service, however many replicas.
/// </summary>
public interface IFaultStateStore
{
    /// <summary>
    /// What one incoming attempt meets, in one step: the outage, one of the "fail next" failures
    /// (taken, if any are left and no outage), and — when <paramref name="countAttemptsOf"/> is given —
    /// this attempt's number for that request id; when <paramref name="numberRoll"/>, its number among the
    /// service's seeded rolls (one sequence across replicas, restarted by <see cref="ResetAsync"/>).
    /// </summary>
    ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken);

    ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken);

    ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken);

    ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken);

    ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken);
}
