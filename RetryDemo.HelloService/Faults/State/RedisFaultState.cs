using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// Fault state in the shared store: every replica sees one outage, one "fail next" count and one attempt
/// count per request, and one sequence of seeded rolls. A plain attempt costs one command (an MGET of the two
/// settings it needs), a counted one a pipelined batch: one round trip either way, a second only while "fail
/// next" has failures left. Each step that reads and writes is one script (<see cref="FaultScripts"/>).
/// </summary>
public sealed class RedisFaultState(IConnectionMultiplexer redis, StateRetention retention) : IFaultStateStore
{
    private IDatabase Db => redis.GetDatabase();

    // The two settings every attempt reads, and all four, allocated once.
    private static readonly RedisKey[] Observed = [StoreKeys.Outage, StoreKeys.FailNextRemaining];
    private static readonly RedisKey[] All = [StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextStatus, StoreKeys.FailNextRetryAfterSeconds];

    public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
    {
        // The common attempt, GET /hello with nothing to count: one command, no batch to build.
        if (countAttemptsOf is null && !numberRoll)
        {
            return await InterpretAsync(await Db.StringGetAsync(Observed), null, null);
        }

        // Counted, numbered and read in one pipelined batch: one round trip.
        var batch = Db.CreateBatch();
        var counted = countAttemptsOf is null
            ? null
            : batch.ScriptEvaluateAsync(FaultScripts.CountAttempt, [StoreKeys.Attempts(countAttemptsOf)], [(long)retention.AttemptCountLifetime.TotalMilliseconds]);
        var numbered = numberRoll ? batch.StringIncrementAsync(StoreKeys.SeededRolls) : null;
        var state = batch.StringGetAsync(Observed);
        batch.Execute();

        int? attempt = counted is null ? null : (int)await counted;
        long? roll = numbered is null ? null : await numbered;
        return await InterpretAsync(await state, attempt, roll);
    }

    private async ValueTask<AttemptFaults> InterpretAsync(RedisValue[] read, int? attempt, long? roll)
    {
        if (!read[0].IsNull)
        {
            return new AttemptFaults(true, null, 0, attempt, roll);
        }

        if (!read[1].IsNull && read[1].TryParse(out long remaining) && remaining > 0
            && await Db.ScriptEvaluateAsync(FaultScripts.TakeFailNext, All) is { IsNull: false } taken)
        {
            var spec = (RedisValue[])taken!;
            return new AttemptFaults(false, StatusOf(spec[0]), RetryAfterOf(spec[1]), attempt, roll);
        }

        return new AttemptFaults(false, null, 0, attempt, roll);
    }

    public async ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var values = (RedisValue[])(await Db.ScriptEvaluateAsync(FaultScripts.Read, All))!;
        return new FaultStateSnapshot(
            Outage: !values[0].IsNull,
            FailNextRemaining: !values[1].IsNull && values[1].TryParse(out long left) ? (int)Math.Max(0, left) : 0,
            FailNextStatusCode: StatusOf(values[2]),
            FailNextRetryAfterSeconds: RetryAfterOf(values[3]));
    }

    public async ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken)
    {
        if (on)
        {
            await Db.StringSetAsync(StoreKeys.Outage, 1);
        }
        else
        {
            await Db.KeyDeleteAsync(StoreKeys.Outage);
        }

        return await SnapshotAsync(cancellationToken);
    }

    public async ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        // One step: a replica never reads a new count with the old status.
        await Db.ScriptEvaluateAsync(FaultScripts.SetFailNext, All[1..], [count, statusCode, retryAfterSeconds]);
        return await SnapshotAsync(cancellationToken);
    }

    public async ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken)
    {
        await Db.ScriptEvaluateAsync(FaultScripts.Reset, [.. All, StoreKeys.SeededRolls]);
        return await SnapshotAsync(cancellationToken);
    }

    private static int StatusOf(RedisValue value) => !value.IsNull && value.TryParse(out int status) ? status : FaultLimits.DefaultFailureStatusCode;

    private static int RetryAfterOf(RedisValue value) => value.TryParse(out int seconds) ? seconds : 0;
}
