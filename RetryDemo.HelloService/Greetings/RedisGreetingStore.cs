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
    private readonly RedisGreetingListing _listing = new(redis, timeProvider, retention);
    private readonly RedisGreetingEviction _eviction = new(redis, retention);
    private readonly RedisKeyClaims _claims = new(redis, commits, retention);

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken) =>
        await _claims.ClaimAsync(new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N")));

    /// <summary>
    /// The claim and the commit sent back to back on the one connection, so both take one round trip: the
    /// store runs them in order, and the commit writes only if the claim took the key (it checks the key
    /// still holds this claim's record), so a key held by anyone else is left as it is.
    /// </summary>
    public async ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        var claiming = _claims.ClaimAsync(claim).AsTask();
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
            _ = _claims.Abandon(claim, CommandFlags.FireAndForget);
            throw;
        }
    }

    // A commit whose answer no longer matters; its failure, if any, is observed here rather than left unobserved.
    private static void IgnoreOutcome(Task committing) => _ = committing.ContinueWith(static failed => failed.Exception, TaskScheduler.Default);

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
            claim is null ? RedisValue.EmptyString : StoredRecords.Claim(claim),
            claim is null ? RedisValue.EmptyString : StoredRecords.Committed(claim, greeting.Id),
            StoredRecords.Greeting(greeting),
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
            await _eviction.EvictIfDueAsync((long)counted[0], (long)counted[1], now);
        }

        return greeting;
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) => await _claims.Abandon(claim);

    public ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) => _claims.FindByKeyAsync(key, fingerprint);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? StoredRecords.ReadGreeting(id, json) : null;

    public ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken) => _listing.ListAsync(limit, cancellationToken);


}
