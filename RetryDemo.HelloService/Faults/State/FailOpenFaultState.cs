using System.Diagnostics.Metrics;
using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// The operator's fault state, read so that a store outage costs only what needs the store. An attempt
/// that asks nothing of the store (no attempt to count, no seeded roll to number) is answered as if no
/// outage and no fail-next were set when the store cannot be read: those switches exist to make this
/// service fail on purpose, and an unreadable switch is off. Anything else goes to the store as it is, so
/// its failure is still a 503 (<see cref="StoreUnavailableMiddleware"/>).
/// </summary>
public sealed class FailOpenFaultState(IFaultStateStore store, IMeterFactory meterFactory, ILogger<FailOpenFaultState> logger) : IFaultStateStore
{
    /// <summary>HelloService's meter, named after the application as ServiceDefaults subscribes to it.</summary>
    public const string MeterName = "RetryDemo.HelloService";

    public const string UnreadCounterName = "retrydemo.faults.state_unread";

    private readonly Counter<long> _unread = meterFactory.Create(MeterName).CreateCounter<long>(
        UnreadCounterName,
        unit: "{request}",
        description: "Requests answered without the operator's fault state (outage, fail-next) because the store could not be read.");

    // How many reads had started when the store was first found unreadable (-1 while it can be read): the
    // outage is logged when it starts and when it ends, not per request. Only a read started after that ends
    // it: one already in flight when the store went away can still succeed, and says nothing about now.
    private long _readsStarted;
    private long _unreadableAfter = -1;

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
    {
        var read = Interlocked.Increment(ref _readsStarted);
        AttemptFaults observed;
        try
        {
            observed = await store.ObserveAsync(countAttemptsOf, numberRoll, cancellationToken);
        }
        catch (Exception ex) when (countAttemptsOf is null && !numberRoll && StoreFailure.Is(ex, cancellationToken))
        {
            _unread.Add(1);
            if (Interlocked.CompareExchange(ref _unreadableAfter, Volatile.Read(ref _readsStarted), -1) == -1)
            {
                FaultStateLog.StateUnread(logger, ex.GetType().Name);
            }

            return new AttemptFaults(false, null, 0, null);
        }

        var unreadableAfter = Volatile.Read(ref _unreadableAfter);
        if (unreadableAfter >= 0 && read > unreadableAfter && Interlocked.CompareExchange(ref _unreadableAfter, -1, unreadableAfter) == unreadableAfter)
        {
            FaultStateLog.StateReadAgain(logger);
        }

        return observed;
    }

    public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => store.SnapshotAsync(cancellationToken);

    public ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken) => store.SetOutageAsync(on, cancellationToken);

    public ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken) =>
        store.FailNextAsync(count, statusCode, retryAfterSeconds, cancellationToken);

    public ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken) => store.ResetAsync(cancellationToken);
}
