using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Fault state in the shared store: every replica sees one outage, one "fail next" count and one attempt
/// count per request, and one sequence of seeded rolls. An attempt costs one round trip (a second only while
/// "fail next" has failures left).
/// </summary>
public sealed class RedisFaultState(IConnectionMultiplexer redis, StateRetention retention) : IFaultStateStore
{
    private static readonly RedisKey[] StateKeys = [StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextSpec];

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
    {
        RedisValue[] state;
        int? attempt = null;
        long? roll = null;
        if (countAttemptsOf is null && !numberRoll)
        {
            state = await Db.StringGetAsync(StateKeys);
        }
        else
        {
            // Counted and read in one pipelined batch: one round trip. Each command is atomic on its own,
            // which is all a count and a read need.
            var batch = Db.CreateBatch();
            Task<long>? counted = null;
            Task<bool>? expiring = null;
            if (countAttemptsOf is not null)
            {
                var key = StoreKeys.Attempts(countAttemptsOf);
                counted = batch.StringIncrementAsync(key);
                expiring = batch.KeyExpireAsync(key, retention.AttemptCountLifetime);
            }

            var numbered = numberRoll ? batch.StringIncrementAsync(StoreKeys.SeededRolls) : null;
            var read = batch.StringGetAsync(StateKeys);
            batch.Execute();
            if (expiring is not null)
            {
                await expiring;
            }

            attempt = counted is null ? null : (int)await counted;
            roll = numbered is null ? null : await numbered;
            state = await read;
        }

        if (!state[0].IsNull)
        {
            return new AttemptFaults(true, null, 0, attempt, roll);
        }

        // Taking a failure is a DECR: a result below zero means another attempt took the last one.
        if (!state[1].IsNull && state[1].TryParse(out long left) && left > 0 && await Db.StringDecrementAsync(StoreKeys.FailNextRemaining) >= 0)
        {
            var (status, retryAfter) = Spec(state[2]);
            return new AttemptFaults(false, status, retryAfter, attempt, roll);
        }

        return new AttemptFaults(false, null, 0, attempt, roll);
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
        await Db.KeyDeleteAsync([.. StateKeys, StoreKeys.SeededRolls]);
        return await SnapshotAsync(cancellationToken);
    }

    // Status and Retry-After travel as one number, status × 100 000 + seconds.
    private static (int Status, int RetryAfterSeconds) Spec(RedisValue value) =>
        !value.IsNull && value.TryParse(out long spec) ? ((int)(spec / 100_000), (int)(spec % 100_000)) : (FaultLimits.DefaultFailureStatusCode, 0);
}
