using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>Keeps the store's greetings within their capacity and lifetime, oldest first (<see cref="IndexScripts.EvictOldest"/>).</summary>
internal sealed class RedisGreetingEviction(IConnectionMultiplexer redis, StateRetention retention)
{
    /// <summary>The most entries one eviction step reads and removes: a short hold on the store.</summary>
    private const int EvictionStep = 256;

    private const int MaxEvictionStepsPerWrite = 4;

    /// <summary>The most passes one write makes for the writes of its replica that came in while it evicted.</summary>
    private const int MaxPassesPerWrite = 4;

    /// <summary>
    /// How far the replicas' clocks and the store's may differ: an entry written this much before its lifetime
    /// ends still has its key's record (which expires by the store's clock), so eviction takes it without reading it.
    /// </summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The oldest end as this replica last read it: the first number then, and when its oldest greeting was
    /// written (Unix ms). While the first number is the same, a write under capacity reads nothing until that
    /// greeting's lifetime ends.
    /// </summary>
    private OldestEntry? _oldest;

    /// <summary>The writes of this replica that asked to evict since the one evicting last looked; 0 while none evicts.</summary>
    private int _asked;

    /// <summary>
    /// Past capacity or lifetime, evicts from the oldest end: the first entries are read, then removed in one
    /// atomic step that checks they are still as read (another replica may have evicted them first). At most a
    /// few hundred entries per step, so no step holds the store for long, and a few steps per pass.
    /// </summary>
    /// <remarks>
    /// One write of a replica evicts at a time. A write that finds one evicting returns, and the one evicting
    /// looks again (the count read afresh) for what came in meanwhile, for up to <see cref="MaxPassesPerWrite"/>
    /// passes; after that the next write does. Past capacity each write was due to evict one entry, and writers at
    /// once each read the same oldest entries from disk and sent a step of which one went through: 820 writes a
    /// second past capacity. One at a time, a step takes all that came in while the one before it ran.
    /// </remarks>
    public async Task EvictIfDueAsync(long count, long first, DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _asked) > 1)
        {
            return;
        }

        var released = false;
        try
        {
            for (var pass = 1; ; pass++)
            {
                Volatile.Write(ref _asked, 1);
                await EvictAsync(count, first, now);
                released = Interlocked.CompareExchange(ref _asked, 0, 1) == 1;
                if (released || pass == MaxPassesPerWrite)
                {
                    return;
                }

                var read = await redis.GetDatabase().StringGetAsync([StoreKeys.GreetingCount, StoreKeys.IndexFirst]);
                (count, first) = ((long?)read[0] ?? 0, (long?)read[1] ?? 1);
            }
        }
        finally
        {
            if (!released)
            {
                Volatile.Write(ref _asked, 0); // what was asked meanwhile is the next write's
            }
        }
    }

    private async Task EvictAsync(long count, long first, DateTimeOffset now)
    {
        var cutoff = retention.ExpiredUpTo(now);
        var wide = false;
        for (var step = 0; step < MaxEvictionStepsPerWrite; step++)
        {
            var over = count - retention.Capacity;
            if (over <= 0 && Volatile.Read(ref _oldest) is { } known && known.Number == first && known.Written > cutoff)
            {
                return;
            }

            // What is over capacity and the entry after it, where eviction stops and which it then knows to be the
            // oldest (under capacity, that entry alone): the oldest entries are on disk, and each one read is a read
            // from it. A whole step once a step went through all it read (gaps, numbers taken by writes that wrote
            // nothing, or more due than it expected).
            var db = redis.GetDatabase();
            var read = wide ? EvictionStep : (int)Math.Clamp(over + 1, 1, EvictionStep);
            var entries = await db.StringGetAsync([.. Enumerable.Range(0, read).Select(i => StoreKeys.IndexEntry(first + i))]);
            if (over <= 0 && !entries[0].IsNull && StoredRecords.ReadIndexEntry(entries[0]!).Written is var written && written > cutoff)
            {
                Volatile.Write(ref _oldest, new OldestEntry(first, written));
                return;
            }

            var after = (RedisResult[])(await db.ScriptEvaluateAsync(IndexScripts.EvictOldest, KeysOf(first, entries),
                [retention.Capacity, first, cutoff, (long)ClockMargin.TotalMilliseconds, .. entries.Select(e => e.IsNull ? RedisValue.EmptyString : e)]))!;
            var (left, next, stoppedAt) = ((long)after[0], (long)after[1], (long)after[2]);
            if (stoppedAt > 0)
            {
                Volatile.Write(ref _oldest, new OldestEntry(next, stoppedAt)); // the entry it stopped at: not due, and now the oldest
            }

            if (next == first)
            {
                return; // Nothing here is due.
            }

            wide = next - first == entries.Length;
            (count, first) = (left, next);
        }
    }

    /// <summary><see cref="IndexScripts.EvictOldest"/>'s KEYS: the index's own, then each entry, and each present one's greeting and key's record.</summary>
    private static RedisKey[] KeysOf(long first, RedisValue[] entries)
    {
        var keys = new List<RedisKey>(4 + entries.Length * 3) { StoreKeys.IndexFirst, StoreKeys.IndexNext, StoreKeys.GreetingCount, StoreKeys.ListingVersion };
        for (var i = 0; i < entries.Length; i++)
        {
            keys.Add(StoreKeys.IndexEntry(first + i));
            if (!entries[i].IsNull)
            {
                var entry = StoredRecords.ReadIndexEntry(entries[i]!);
                keys.Add(StoreKeys.Greeting(entry.GreetingId));
                if (entry.Key is { } key)
                {
                    keys.Add(StoreKeys.Idempotency(key));
                }
            }
        }

        return [.. keys];
    }
}
