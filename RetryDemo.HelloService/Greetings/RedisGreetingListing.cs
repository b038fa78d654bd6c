using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>The newest page of greetings and their count, read from the store's index in one round trip (<see cref="ListingScripts.List"/>).</summary>
internal sealed class RedisGreetingListing(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention)
{
    /// <summary>The most index numbers a listing reads from either end: entries past their lifetime, gaps.</summary>
    private const int MaxNumbersRead = 4096;

    /// <summary>This replica's last listing: answered again while the store says nothing in the index has changed.</summary>
    private ListingRead? _lastListing;

    /// <summary>The oldest greeting counted, as last read: passed back, so the oldest end is read only once it moves.</summary>
    private OldestEntry? _oldest;

    /// <summary>
    /// One round trip. While the index's version is the one this replica last listed at, and no greeting it
    /// counted has reached the end of its lifetime, the store answers with the version alone and the page held
    /// here is answered again: a listing at rest costs the store one read and this replica no parsing.
    /// </summary>
    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var last = Volatile.Read(ref _lastListing);
        var held = last is not null && now < last.ValidUntil && last.Limit == limit ? last.Version : "";
        var oldest = Volatile.Read(ref _oldest);
        var listed = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ListingScripts.List, [],
            [StoreKeys.IndexFirst.ToString(), StoreKeys.IndexNext.ToString(), StoreKeys.GreetingCount.ToString(), StoreKeys.IndexEntryPrefix, StoreKeys.GreetingPrefix,
                retention.ExpiredUpTo(now), limit, MaxNumbersRead, StoreKeys.ListingVersion.ToString(), held, oldest?.Number ?? 0, oldest?.Written ?? 0]))!;
        var version = (string)listed[0]!;
        if (listed.Length == 1)
        {
            return last!.List;
        }

        var (ids, page) = ((RedisResult[])listed[2]!, (RedisResult[])listed[3]!);
        var list = new GreetingList((int)(long)listed[1], [.. page.Index().Where(g => !g.Item.IsNull).Select(g => StoredRecords.ReadGreeting((string)ids[g.Index]!, (string)g.Item!))]);
        // Until the oldest greeting counted reaches its lifetime's end, time alone changes nothing here.
        var oldestCounted = (long)listed[4];
        if (oldestCounted > 0)
        {
            Volatile.Write(ref _oldest, new OldestEntry((long)listed[5], oldestCounted));
        }

        var validUntil = oldestCounted switch
        {
            -1 => DateTimeOffset.MaxValue,
            0 => now,
            _ => DateTimeOffset.FromUnixTimeMilliseconds(oldestCounted) + retention.Lifetime,
        };
        if (version.Length > 0)
        {
            Volatile.Write(ref _lastListing, new ListingRead(version, validUntil, limit, list));
        }

        return list;
    }

    private sealed record ListingRead(string Version, DateTimeOffset ValidUntil, int Limit, GreetingList List);
}
