using System.Globalization;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults;

/// <summary>Fault state in the shared store: every replica sees one outage, one "fail next" count, one attempt count per request.</summary>
public sealed class RedisFaultState(IConnectionMultiplexer redis, StateRetention retention) : IFaultStateStore
{
    // One round trip per attempt: count it (if asked), then the outage, then take a "fail next" if any is left.
    private const string ObserveScript = """
        local attempt = 0
        if ARGV[1] ~= '0' then
          attempt = redis.call('INCR', KEYS[4])
          redis.call('PEXPIRE', KEYS[4], ARGV[1])
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return {1, 0, 0, attempt}
        end
        local left = tonumber(redis.call('GET', KEYS[2]) or '0')
        if left > 0 then
          redis.call('DECR', KEYS[2])
          local status = tonumber(redis.call('GET', KEYS[3]) or '0')
          return {0, math.floor(status / 100000), status % 100000, attempt}
        end
        return {0, 0, 0, attempt}
        """;

    private static readonly RedisKey NoAttemptKey = StoreKeys.Attempts("-");
    private readonly string _attemptLifetimeMs = ((long)retention.AttemptCountLifetime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ObserveScript,
            [StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextSpec, countAttemptsOf is null ? NoAttemptKey : StoreKeys.Attempts(countAttemptsOf)],
            [countAttemptsOf is null ? "0" : _attemptLifetimeMs]))!;
        var failStatus = (int)result[1];
        return new AttemptFaults(
            Outage: (int)result[0] == 1,
            FailNextStatus: failStatus == 0 ? null : failStatus,
            FailNextRetryAfterSeconds: (int)result[2],
            Attempt: countAttemptsOf is null ? null : (int)result[3]);
    }

    public async ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var values = await Db.StringGetAsync([StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextSpec]);
        var spec = values[2].IsNull ? FaultLimits.DefaultFailureStatusCode * 100_000L : (long)values[2];
        return new FaultStateSnapshot(
            Outage: !values[0].IsNull,
            FailNextRemaining: values[1].IsNull ? 0 : Math.Max(0, (int)values[1]),
            FailNextStatusCode: (int)(spec / 100_000),
            FailNextRetryAfterSeconds: (int)(spec % 100_000));
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
        // Status and Retry-After travel as one number (status × 100 000 + seconds), so a replica never reads half of a change.
        await Db.StringSetAsync(
        [
            new(StoreKeys.FailNextRemaining, count),
            new(StoreKeys.FailNextSpec, statusCode * 100_000L + retryAfterSeconds),
        ]);
        return await SnapshotAsync(cancellationToken);
    }

    public async ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken)
    {
        await Db.KeyDeleteAsync([StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextSpec]);
        return await SnapshotAsync(cancellationToken);
    }
}
