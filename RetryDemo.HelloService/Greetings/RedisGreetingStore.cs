using System.Text.Json;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. Every step that
/// writes is one script, atomic on the server (<see cref="GreetingScripts"/>): claim, commit, abandon and
/// eviction each take one round trip. The index (<see cref="StoreKeys.IndexBuckets"/>: greetings in time
/// buckets, each entry its greeting's id then its key) gives the newest page and the count without a scan,
/// and tells eviction which records go together.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, StoreCommits commits, TimeProvider timeProvider, StateRetention retention) : IGreetingStore
{
    private const int IdLength = 32;

    /// <summary>The most entries one eviction step removes: a short hold on the store.</summary>
    private const int EvictionStep = 256;

    private const int MaxEvictionStepsPerWrite = 4;

    /// <summary>How many buckets past their lifetime (seconds of writes) a listing subtracts from the count.</summary>
    private const int MaxExpiredBucketsListed = 1024;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>This replica's last listing: answered again while the store says nothing in the index has changed.</summary>
    private ListingRead? _lastListing;

    private sealed record ListingRead(string Version, long Cutoff, int Limit, GreetingList List);

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken) =>
        await ClaimAsync(new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N")));

    /// <summary>
    /// The claim and the commit sent back to back on the one connection, so both take one round trip: the
    /// store runs them in order, and the commit writes only if the claim took the key (it checks the key
    /// still holds this claim's record), so a key held by anyone else is left as it is.
    /// </summary>
    public async ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        var claiming = ClaimAsync(claim).AsTask();
        var committing = CommitAsync(name, claim, cancellationToken).AsTask();
        IdempotencyClaim found;
        try
        {
            found = await claiming;
        }
        catch
        {
            // The claim's own failure says it all (and queues its abandon); the commit behind it found no claim.
            IgnoreOutcome(committing);
            throw;
        }

        if (found is not IdempotencyClaim.New)
        {
            // The key was someone's: the commit checked for this claim and wrote nothing.
            IgnoreOutcome(committing);
            return (found, null);
        }

        try
        {
            return (found, await committing);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            // The claim landed and the commit may not have: free the key (a no-op if the commit did land).
            _ = Abandon(claim, CommandFlags.FireAndForget);
            throw;
        }
    }

    // A commit whose answer no longer matters; its failure, if any, is observed here rather than left unobserved.
    private static void IgnoreOutcome(Task committing) => _ = committing.ContinueWith(static failed => failed.Exception, TaskScheduler.Default);

    /// <summary>Frees the key only if this claim still holds it (<see cref="GreetingScripts.Abandon"/>).</summary>
    private Task<RedisResult> Abandon(IdempotencyClaim.New claim, CommandFlags flags = CommandFlags.None) =>
        Db.ScriptEvaluateAsync(GreetingScripts.Abandon, [StoreKeys.Idempotency(claim.Key)], [ClaimRecord(claim)], flags);

    // Null from a claim: the key named a greeting that left between the claim and its read (evicted with its
    // key), so the key is free now: it is claimed once more rather than answered "in progress" for a write
    // nobody is making. (The first claim's command is sent before this method first waits: ClaimAndCommitAsync
    // relies on it.)
    private async ValueTask<IdempotencyClaim> ClaimAsync(IdempotencyClaim.New claim) =>
        await ClaimOnceAsync(claim) ?? await ClaimOnceAsync(claim) ?? new IdempotencyClaim.InProgress(TimeSpan.FromSeconds(1));

    private async ValueTask<IdempotencyClaim?> ClaimOnceAsync(IdempotencyClaim.New claim)
    {
        RedisResult result;
        try
        {
            result = await Db.ScriptEvaluateAsync(GreetingScripts.Claim, [StoreKeys.Idempotency(claim.Key)], [ClaimRecord(claim), (long)retention.ClaimLease.TotalMilliseconds]);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            // The claim may still land after this request has given up on it (a stalled store): the abandon
            // queued behind it on the same connection frees the key as soon as the store runs again.
            _ = Abandon(claim, CommandFlags.FireAndForget);
            throw;
        }

        if (result.IsNull)
        {
            return claim;
        }

        var held = (RedisResult[])result!;
        return await DurableAsync(await ReadAsync((string)held[0]!, claim.Fingerprint, TimeSpan.FromMilliseconds(Math.Max(0, (long)held[1]))));
    }

    public async ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", now);
        var bucket = retention.BucketOf(now);
        RedisKey[] keys = claim is null
            ? [StoreKeys.Greeting(greeting.Id), StoreKeys.IndexBuckets, StoreKeys.GreetingCount, StoreKeys.IndexBucket(bucket), StoreKeys.ListingVersion]
            : [StoreKeys.Greeting(greeting.Id), StoreKeys.IndexBuckets, StoreKeys.GreetingCount, StoreKeys.IndexBucket(bucket), StoreKeys.ListingVersion, StoreKeys.Idempotency(claim.Key)];
        RedisValue[] values =
        [
            claim is null ? RedisValue.EmptyString : ClaimRecord(claim),
            claim is null ? RedisValue.EmptyString : Serialize(new IdempotencyRecord(IdempotencyRecord.Committed, claim.Fingerprint, null, greeting.Id)),
            JsonSerializer.Serialize(StoredGreeting.Of(greeting), GreetingRecordJson.Stored.StoredGreeting),
            greeting.Id + claim?.Key,
            bucket,
            (long)retention.Lifetime.TotalMilliseconds,
        ];

        var result = await Db.ScriptEvaluateAsync(GreetingScripts.Commit, keys, values);
        if (result.Resp2Type == ResultType.Integer)
        {
            return null;
        }

        // Answered only once it would survive the store's crash.
        await commits.WaitAsync();
        var counted = (RedisResult[])result!;
        if (counted.Length > 1)
        {
            await EvictIfDueAsync((long)counted[0], (long)counted[1], now);
        }

        return greeting;
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) => await Abandon(claim);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? DeserializeGreeting(id, json) : null;

    public async ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)) is { } value ? await DurableAsync(await ReadAsync(value, fingerprint, TimeSpan.Zero)) : null;

    // A replay or a commit check answers 201 for a write whose own commit wait may have failed (the store
    // stalled after the write): it is acknowledged only once a commit sent after it is done, like the first answer.
    private async ValueTask<IdempotencyClaim?> DurableAsync(IdempotencyClaim? claim)
    {
        if (claim is IdempotencyClaim.Committed)
        {
            await commits.WaitAsync();
        }

        return claim;
    }

    /// <summary>
    /// One round trip. While the index's version is the one this replica last listed at (and the same second's
    /// lifetime cutoff, which decides what counts), the store answers with the version alone and the page held
    /// here is answered again: a listing at rest costs the store one read and this replica no parsing.
    /// </summary>
    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var cutoff = LastExpiredBucket(timeProvider.GetUtcNow());
        var last = Volatile.Read(ref _lastListing);
        var held = last is not null && last.Cutoff == cutoff && last.Limit == limit ? last.Version : "";
        var listed = (RedisResult[])(await Db.ScriptEvaluateAsync(GreetingScripts.List, [],
            [StoreKeys.IndexBuckets.ToString(), StoreKeys.GreetingCount.ToString(), StoreKeys.IndexBucketPrefix, StoreKeys.GreetingPrefix, cutoff, limit, MaxExpiredBucketsListed,
                StoreKeys.ListingVersion.ToString(), held]))!;
        var version = (string)listed[0]!;
        if (listed.Length == 1)
        {
            return last!.List;
        }

        var (ids, page) = ((RedisResult[])listed[2]!, (RedisResult[])listed[3]!);
        var list = new GreetingList((int)(long)listed[1], [.. page.Index().Where(g => !g.Item.IsNull).Select(g => DeserializeGreeting((string)ids[g.Index]!, (string)g.Item!))]);
        if (version.Length > 0)
        {
            Volatile.Write(ref _lastListing, new ListingRead(version, cutoff, limit, list));
        }

        return list;
    }

    /// <summary>
    /// Past capacity (or lifetime), evicts from the front of the oldest bucket: its first entries are read, then
    /// removed in one atomic step that checks again (another replica may have evicted them first). At most a
    /// few hundred entries per step, so no step holds the store for long, and a few steps per write, so
    /// writers at once catch up without one write paying for all.
    /// </summary>
    private async Task EvictIfDueAsync(long count, long oldest, DateTimeOffset now)
    {
        var cutoff = LastExpiredBucket(now);
        for (var step = 0; step < MaxEvictionStepsPerWrite; step++)
        {
            var expired = oldest <= cutoff;
            var over = expired ? EvictionStep : Math.Min(count - retention.Capacity, EvictionStep);
            if (over <= 0)
            {
                return;
            }

            var candidates = await Db.ListRangeAsync(StoreKeys.IndexBucket(oldest), 0, over - 1);
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

            var after = (RedisResult[])(await Db.ScriptEvaluateAsync(GreetingScripts.EvictOldest, [.. keys], [retention.Capacity, oldest, expired ? 1 : 0, .. candidates]))!;
            if (after.Length < 3 || (long)after[0] == 0 && (long)after[2] == oldest)
            {
                return; // The index is empty, or nothing here is due (another replica got there first).
            }

            (count, oldest) = ((long)after[1], (long)after[2]);
        }
    }

    // The newest bucket whose every entry is past its lifetime: the bucket that now - lifetime falls in still
    // holds entries up to one bucket younger than that, and they must not leave early.
    private long LastExpiredBucket(DateTimeOffset now) => retention.BucketOf(now - retention.Lifetime) - 1;

    private static string ClaimRecord(IdempotencyClaim.New claim) =>
        Serialize(new IdempotencyRecord(IdempotencyRecord.Claimed, claim.Fingerprint, claim.Token, GreetingId: null));

    private static string Serialize(IdempotencyRecord record) => JsonSerializer.Serialize(record, GreetingRecordJson.Stored.IdempotencyRecord);

    /// <summary>
    /// What a key's record says; null when it names a greeting that is gone (the greeting outlives its key by a
    /// second, and both leave together on eviction, so only a record read across that second's edge meets this).
    /// </summary>
    private async ValueTask<IdempotencyClaim?> ReadAsync(string value, string? fingerprint, TimeSpan leaseLeft)
    {
        var record = JsonSerializer.Deserialize(value, GreetingRecordJson.Stored.IdempotencyRecord)
            ?? throw new InvalidDataException("An idempotency record is empty.");
        if (fingerprint is not null && record.Fingerprint != fingerprint)
        {
            return new IdempotencyClaim.Mismatch();
        }

        return record switch
        {
            { State: IdempotencyRecord.Committed, Greeting: { } greeting } => new IdempotencyClaim.Committed(greeting),
            { State: IdempotencyRecord.Committed, GreetingId: { } id } => await FindAsync(id, CancellationToken.None) is { } greeting
                ? new IdempotencyClaim.Committed(greeting)
                : null,
            _ => new IdempotencyClaim.InProgress(leaseLeft),
        };
    }

    private static Greeting DeserializeGreeting(string id, string json) =>
        (JsonSerializer.Deserialize(json, GreetingRecordJson.Stored.StoredGreeting) ?? throw new InvalidDataException("A stored greeting is empty.")).WithId(id);

}
