namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// The operator's switches as this replica last read them, held until a change is heard, so the common attempt
/// (GET /hello with nothing to count or number) costs no store round trip: the switches change when an operator
/// says so, and are read on every attempt. Every change goes through <see cref="IFaultSwitchChanges.AnnounceAsync"/>
/// before the operator's command returns, so no replica answers from what it held before it. What a read found
/// is filed under the changes heard before it began, so a read the store answered while a change was heard is
/// never answered again (it may be from before the change). A read that took a "fail next" failure is not held
/// (the next attempt may have another to take). Held values are at most <see cref="LongestHeld"/> old, for a
/// subscription that died unnoticed.
/// </summary>
public sealed class CachedFaultSwitches(IFaultStateStore store, IFaultSwitchChanges changes, TimeProvider timeProvider) : IFaultStateStore
{
    /// <summary>
    /// The longest a replica answers from what it read, changes heard or not: two store reads a second at most. Well
    /// inside the longest an announcement waits (<see cref="StoreFaultSwitchChanges.HearingTimeout"/>), so a replica
    /// too slow to answer one holds nothing from before it once the command has returned.
    /// </summary>
    public static readonly TimeSpan LongestHeld = TimeSpan.FromMilliseconds(500);

    private Held? _held;

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
    {
        if (countAttemptsOf is not null || numberRoll)
        {
            return await store.ObserveAsync(countAttemptsOf, numberRoll, cancellationToken);
        }

        var heard = changes.Heard;
        if (heard is not null && Volatile.Read(ref _held) is { } held && held.Heard == heard && timeProvider.GetElapsedTime(held.ReadAt) < LongestHeld)
        {
            return held.Faults;
        }

        var readAt = timeProvider.GetTimestamp();
        var observed = await store.ObserveAsync(null, false, cancellationToken);
        if (heard is not null && observed.FailNextStatus is null)
        {
            Volatile.Write(ref _held, new Held(heard.Value, observed, readAt));
        }

        return observed;
    }

    public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => store.SnapshotAsync(cancellationToken);

    public async ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken) =>
        await Announced(await store.SetOutageAsync(on, cancellationToken));

    public async ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken) =>
        await Announced(await store.FailNextAsync(count, statusCode, retryAfterSeconds, cancellationToken));

    public async ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken) =>
        await Announced(await store.ResetAsync(cancellationToken));

    private async Task<FaultStateSnapshot> Announced(FaultStateSnapshot snapshot)
    {
        await changes.AnnounceAsync();
        return snapshot;
    }

    private sealed record Held(long Heard, AttemptFaults Faults, long ReadAt);
}
