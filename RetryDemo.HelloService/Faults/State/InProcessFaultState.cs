using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Faults.State;

/// <summary>Fault state in this process: right for one instance only (standalone, without a store).</summary>
public sealed class InProcessFaultState(IMemoryCache attempts, StateRetention retention) : IFaultStateStore
{
    private readonly Lock _gate = new();
    private int _failNextRemaining;
    private int _failNextStatus = FaultLimits.DefaultFailureStatusCode;
    private int _failNextRetryAfterSeconds;
    private bool _outage;
    private long _rolls;

    public ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
    {
        int? attempt = countAttemptsOf is null ? null : NextAttempt(countAttemptsOf);
        lock (_gate)
        {
            long? roll = numberRoll ? ++_rolls : null;
            if (_outage)
            {
                return ValueTask.FromResult(new AttemptFaults(true, null, 0, attempt, roll));
            }

            if (_failNextRemaining > 0)
            {
                _failNextRemaining--;
                return ValueTask.FromResult(new AttemptFaults(false, _failNextStatus, _failNextRetryAfterSeconds, attempt, roll));
            }

            return ValueTask.FromResult(new AttemptFaults(false, null, 0, attempt, roll));
        }
    }

    public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Snapshot());

    public ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _outage = on;
        }

        return SnapshotAsync(cancellationToken);
    }

    public ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _failNextRemaining = count;
            _failNextStatus = statusCode;
            _failNextRetryAfterSeconds = retryAfterSeconds;
        }

        return SnapshotAsync(cancellationToken);
    }

    public ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _failNextRemaining = 0;
            _failNextStatus = FaultLimits.DefaultFailureStatusCode;
            _failNextRetryAfterSeconds = 0;
            _outage = false;
            _rolls = 0;
        }

        return SnapshotAsync(cancellationToken);
    }

    private FaultStateSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FaultStateSnapshot(_outage, _failNextRemaining, _failNextStatus, _failNextRetryAfterSeconds);
        }
    }

    // Bounded (the cache's size limit, sliding expiry), so ids that never come back cannot grow memory.
    private int NextAttempt(string requestId)
    {
        var counter = attempts.GetOrCreate(("attempts", requestId), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = retention.AttemptCountLifetime;
            return new StrongBox<int>();
        })!;

        return Interlocked.Increment(ref counter.Value);
    }
}
