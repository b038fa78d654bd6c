using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Fault state in the shared store: every replica sees one outage, one "fail next" count and one attempt
/// count per request. An attempt costs one round trip (a second only while "fail next" has failures left).
/// </summary>
public sealed class RedisFaultState(IConnectionMultiplexer redis, StateRetention retention) : IFaultStateStore
{
    private static readonly RedisKey[] StateKeys = [StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextSpec];

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, CancellationToken cancellationToken)
    {
        RedisValue[] state;
        int? attempt = null;
        if (countAttemptsOf is null)
        {
            state = await Db.StringGetAsync(StateKeys);
        }
        else
        {
            // Counted and read in one pipelined batch: one round trip. Each command is atomic on its own,
            // which is all a count and a read need.
            var key = StoreKeys.Attempts(countAttemptsOf);
            var batch = Db.CreateBatch();
            var counted = batch.StringIncrementAsync(key);
            var expiring = batch.KeyExpireAsync(key, retention.AttemptCountLifetime);
            var read = batch.StringGetAsync(StateKeys);
            batch.Execute();
            await expiring;
            attempt = (int)await counted;
            state = await read;
        }

        if (!state[0].IsNull)
        {
            return new AttemptFaults(true, null, 0, attempt);
        }

        // Taking a failure is a DECR: a result below zero means another attempt took the last one.
        if (!state[1].IsNull && state[1].TryParse(out long left) && left > 0 && await Db.StringDecrementAsync(StoreKeys.FailNextRemaining) >= 0)
        {
            var (status, retryAfter) = Spec(state[2]);
            return new AttemptFaults(false, status, retryAfter, attempt);
        }

        return new AttemptFaults(false, null, 0, attempt);
    }

    public async ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var values = await Db.StringGetAsync(StateKeys);
        var (status, retryAfter) = Spec(values[2]);
        return new FaultStateSnapshot(
            Outage: !values[0].IsNull,
            FailNextRemaining: !values[1].IsNull && values[1].TryParse(out long left) ? (int)Math.Max(0, left) : 0,
            FailNextStatusCode: status,
            FailNextRetryAfterSeconds: retryAfter);
    }

    public async ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken)
    {
        if (on)
        {
            await Db.StringSetAsync(StoreKeys.Outage, "1");
        }
        else
        {
            await Db.KeyDeleteAsync(StoreKeys.Outage);
        }

        return await SnapshotAsync(cancellationToken);
    }

    public async ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        // MSET: a replica never reads a new count with the old status.
        await Db.StringSetAsync(
        [
            new(StoreKeys.FailNextRemaining, count),
            new(StoreKeys.FailNextSpec, statusCode * 100_000L + retryAfterSeconds),
        ]);
        return await SnapshotAsync(cancellationToken);
    }

    public async ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken)
    {
        await Db.KeyDeleteAsync(StateKeys);
        return await SnapshotAsync(cancellationToken);
    }

    // Status and Retry-After travel as one number, status × 100 000 + seconds.
    private static (int Status, int RetryAfterSeconds) Spec(RedisValue value) =>
        !value.IsNull && value.TryParse(out long spec) ? ((int)(spec / 100_000), (int)(spec % 100_000)) : (FaultLimits.DefaultFailureStatusCode, 0);
}
