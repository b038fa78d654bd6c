using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Removes, at start, what an older HelloService kept in the store as objects: the index's time-bucket lists and
/// their sorted set, its count, and the fault state's hash (whose settings are carried over to their strings
/// first). Garnet 2.2.12's compaction fails on such objects (docs/benchmarks.md), and the store keeps its data
/// folder across restarts (under the AppHost, .store-data), so they would stay. Greetings and keys written
/// before stay until their lifetime ends: their keys replay, but the index neither lists nor counts them. A
/// store that cannot be reached, or more than <see cref="Longest"/> of it, leaves the rest to the next start;
/// replicas starting together each remove what is left (every step can be done twice). Older replicas still
/// running write the older layout, and their fault switches are not the newer ones': stop them first (a new
/// revision replaces them).
/// </summary>
public sealed class StoreLayoutUpgrade(IConnectionMultiplexer store, ILogger<StoreLayoutUpgrade> logger) : IHostedService
{
    private const string BucketPrefix = StoreKeys.Prefix + "index:bucket:";
    public static readonly RedisKey OlderFaultState = StoreKeys.Prefix + "faults:state";
    public static readonly RedisKey OlderIndexBuckets = StoreKeys.Prefix + "index:buckets";
    public static readonly RedisKey OlderCount = StoreKeys.Prefix + "index:count";

    /// <summary>KEYS: the sorted set, then a batch of its buckets' lists. ARGV: the batch. Removes the lists and their members in one step, so a list an older replica still writing pushes to meanwhile is one the sorted set names again.</summary>
    private const string RemoveBuckets = """
        for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
        return redis.call('ZREM', KEYS[1], unpack(ARGV))
        """;

    /// <summary>
    /// KEYS: the older count, the index's next number, its count now. The first strings-only commits kept the count
    /// under the older name: with numbers taken and no count under the new name, it is the index's, and is renamed.
    /// </summary>
    private const string RemoveOrRenameCount = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('EXISTS', KEYS[3]) == 0 then return redis.call('RENAME', KEYS[1], KEYS[3]) end
        return redis.call('DEL', KEYS[1])
        """;

    /// <summary>How long a start spends on it at most: the rest is the next start's.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

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
                // Replicas already running hold the switches they read until they hear of a change: this is one.
                await store.GetSubscriber().PublishAsync(StoreKeys.FaultSwitchesChanged, "layout-upgrade");
            }

            // A bucket a second of writes, up to a day's (86,400): 256 at a time, for at most Longest.
            var buckets = 0;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(Longest);
            while (!bounded.IsCancellationRequested && await db.SortedSetRangeByRankAsync(OlderIndexBuckets, 0, 255) is { Length: > 0 } batch)
            {
                await db.ScriptEvaluateAsync(RemoveBuckets, [OlderIndexBuckets, .. batch.Select(bucket => (RedisKey)(BucketPrefix + bucket))], batch);
                buckets += batch.Length;
            }

            await db.ScriptEvaluateAsync(RemoveOrRenameCount, [OlderCount, StoreKeys.IndexNext, StoreKeys.GreetingCount]);
            StoreLog.OlderLayoutRemoved(logger, buckets);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            StoreLog.OlderLayoutNotChecked(logger, ex.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
