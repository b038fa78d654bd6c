using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>The newest page of greetings and their count, read from the store's index in one round trip (<see cref="GreetingScripts.List"/>).</summary>
internal sealed class RedisGreetingListing(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention)
{
    /// <summary>How many buckets past their lifetime (seconds of writes) a listing subtracts from the count.</summary>
    private const int MaxExpiredBucketsListed = 1024;

    /// <summary>This replica's last listing: answered again while the store says nothing in the index has changed.</summary>
    private ListingRead? _lastListing;

    /// <summary>
    /// One round trip. While the index's version is the one this replica last listed at (and the same second's
    /// lifetime cutoff, which decides what counts), the store answers with the version alone and the page held
    /// here is answered again: a listing at rest costs the store one read and this replica no parsing.
    /// </summary>
    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var cutoff = retention.LastExpiredBucket(timeProvider.GetUtcNow());
        var last = Volatile.Read(ref _lastListing);
        var held = last is not null && last.Cutoff == cutoff && last.Limit == limit ? last.Version : "";
        var listed = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(GreetingScripts.List, [],
            [StoreKeys.IndexBuckets.ToString(), StoreKeys.GreetingCount.ToString(), StoreKeys.IndexBucketPrefix, StoreKeys.GreetingPrefix, cutoff, limit, MaxExpiredBucketsListed,
                StoreKeys.ListingVersion.ToString(), held]))!;
        var version = (string)listed[0]!;
        if (listed.Length == 1)
        {
            return last!.List;
        }

        var (ids, page) = ((RedisResult[])listed[2]!, (RedisResult[])listed[3]!);
        var list = new GreetingList((int)(long)listed[1], [.. page.Index().Where(g => !g.Item.IsNull).Select(g => StoredRecords.ReadGreeting((string)ids[g.Index]!, (string)g.Item!))]);
        if (version.Length > 0)
        {
            Volatile.Write(ref _lastListing, new ListingRead(version, cutoff, limit, list));
        }

        return list;
    }

    private sealed record ListingRead(string Version, long Cutoff, int Limit, GreetingList List);
}
