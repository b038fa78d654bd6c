using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>Keeps the store's greetings within their capacity and lifetime, oldest first (<see cref="GreetingScripts.EvictOldest"/>).</summary>
internal sealed class RedisGreetingEviction(IConnectionMultiplexer redis, StateRetention retention)
{
    private const int IdLength = 32;

    /// <summary>The most entries one eviction step removes: a short hold on the store.</summary>
    private const int EvictionStep = 256;

    private const int MaxEvictionStepsPerWrite = 4;

    /// <summary>
    /// Past capacity (or lifetime), evicts from the front of the oldest bucket: its first entries are read, then
    /// removed in one atomic step that checks again (another replica may have evicted them first). At most a
    /// few hundred entries per step, so no step holds the store for long, and a few steps per write, so
    /// writers at once catch up without one write paying for all.
    /// </summary>
    public async Task EvictIfDueAsync(long count, long oldest, DateTimeOffset now)
    {
        var cutoff = retention.LastExpiredBucket(now);
        for (var step = 0; step < MaxEvictionStepsPerWrite; step++)
        {
            var expired = oldest <= cutoff;
            var over = expired ? EvictionStep : Math.Min(count - retention.Capacity, EvictionStep);
            if (over <= 0)
            {
                return;
            }

            var candidates = await redis.GetDatabase().ListRangeAsync(StoreKeys.IndexBucket(oldest), 0, over - 1);
            var keys = new List<RedisKey>(4 + candidates.Length * 2) { StoreKeys.IndexBuckets, StoreKeys.GreetingCount, StoreKeys.ListingVersion, StoreKeys.IndexBucket(oldest) };
            foreach (var candidate in candidates)
            {
                var member = (string)candidate!;
                keys.Add(StoreKeys.Greeting(member[..IdLength]));
                if (member.Length > IdLength)
                {
                    keys.Add(StoreKeys.Idempotency(member[IdLength..]));
                }
            }

            var after = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(GreetingScripts.EvictOldest, [.. keys], [retention.Capacity, oldest, expired ? 1 : 0, .. candidates]))!;
            if (after.Length < 3 || (long)after[0] == 0 && (long)after[2] == oldest)
            {
                return; // The index is empty, or nothing here is due (another replica got there first).
            }

            (count, oldest) = ((long)after[1], (long)after[2]);
        }
    }
}
