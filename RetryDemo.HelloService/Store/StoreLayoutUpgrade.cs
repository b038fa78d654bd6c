using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Removes, at start, what an older HelloService kept in the store as objects: the index's time-bucket lists and
/// their sorted set, its count, and the fault state's hash (whose settings are carried over to their strings
/// first). Garnet 2.2.12's compaction fails on such objects (docs/benchmarks.md), and the store keeps its data
/// folder across restarts (under the AppHost, .store-data), so they would stay. Greetings and keys written
/// before stay until their lifetime ends: their keys replay, but the index neither lists nor counts them. A
/// store that cannot be reached leaves it to the next start; replicas starting together each remove what is
/// left (every step can be done twice).
/// </summary>
public sealed class StoreLayoutUpgrade(IConnectionMultiplexer store, ILogger<StoreLayoutUpgrade> logger) : IHostedService
{
    private const string Prefix = "retrydemo:";
    private const string BucketPrefix = Prefix + "index:bucket:";
    public static readonly RedisKey OlderFaultState = Prefix + "faults:state";
    public static readonly RedisKey OlderIndexBuckets = Prefix + "index:buckets";
    public static readonly RedisKey OlderCount = Prefix + "index:count";

    /// <summary>KEYS: the older hash, then the outage and "fail next" strings. Carries the settings over and removes the hash, in one step.</summary>
    private const string CarryFaultStateOver = """
        local state = redis.call('HMGET', KEYS[1], 'outage', 'remaining', 'status', 'retryAfterSeconds')
        if state[1] then redis.call('SET', KEYS[2], state[1]) end
        if state[3] then redis.call('SET', KEYS[4], state[3]) end
        if state[4] then redis.call('SET', KEYS[5], state[4]) end
        if state[2] then redis.call('SET', KEYS[3], state[2]) end
        return redis.call('DEL', KEYS[1])
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var db = store.GetDatabase();
            if (await db.KeyExistsAsync([OlderFaultState, OlderIndexBuckets, OlderCount]) == 0)
            {
                return; // One command at every start, and nothing to do.
            }

            if (await db.KeyTypeAsync(OlderFaultState) == RedisType.Hash)
            {
                await db.ScriptEvaluateAsync(CarryFaultStateOver, [OlderFaultState, StoreKeys.Outage, StoreKeys.FailNextRemaining, StoreKeys.FailNextStatus, StoreKeys.FailNextRetryAfterSeconds]);
            }

            // A bucket a second of writes: some thousands at most, 256 at a time.
            var buckets = 0;
            while (await db.SortedSetRangeByRankAsync(OlderIndexBuckets, 0, 255) is { Length: > 0 } batch)
            {
                await db.KeyDeleteAsync([.. batch.Select(bucket => (RedisKey)(BucketPrefix + bucket))]);
                await db.SortedSetRemoveAsync(OlderIndexBuckets, batch);
                buckets += batch.Length;
            }

            await db.KeyDeleteAsync(OlderCount);
            StoreLog.OlderLayoutRemoved(logger, buckets);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            StoreLog.OlderLayoutNotChecked(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
