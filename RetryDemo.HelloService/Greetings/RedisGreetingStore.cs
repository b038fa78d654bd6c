using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. Every step that
/// writes is one script, atomic on the server (<see cref="GreetingScripts"/>): a keyed write (claim and commit
/// together, after taking an index number), abandon, and each eviction step (after reading its entries). The index
/// (<see cref="StoreKeys.IndexEntry"/>: numbered entries in the order written, each its greeting's id then its
/// key) gives the newest page and the count without a scan, and tells eviction which records go together.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, StoreCommits commits, TimeProvider timeProvider, StateRetention retention, ILogger<RedisGreetingStore>? logger = null) : IGreetingStore
{
    private readonly IndexNumbers _numbers = new(redis, timeProvider);
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisGreetingStore>.Instance;
    private readonly RedisGreetingListing _listing = new(redis, timeProvider, retention);
    private readonly RedisGreetingEviction _eviction = new(redis, retention);
    private readonly RedisKeyClaims _claims = new(redis, commits, retention);

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken) =>
        await _claims.ClaimAsync(new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N")));

    /// <summary>
    /// The claim and the commit as one script (<see cref="GreetingScripts.Commit"/>, claiming as it writes): the
    /// write happens only if its claim takes the key, in the same step, so a keyed write takes its index number
    /// and one script, and a write cut short never leaves a claim behind for a retry to wait out.
    /// </summary>
    public async ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, string? requestId, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        // As RedisKeyClaims.ClaimAsync: a key that named a greeting gone by the time it was read is free, so once more.
        return await ClaimAndCommitOnceAsync(name, claim, requestId, cancellationToken)
            ?? await ClaimAndCommitOnceAsync(name, claim, requestId, cancellationToken)
            ?? (RedisKeyClaims.StillChanging, null);
    }

    private async ValueTask<(IdempotencyClaim Claim, Greeting? Created)?> ClaimAndCommitOnceAsync(string name, IdempotencyClaim.New claim, string? requestId, CancellationToken callerGaveUp)
    {
        var written = await WriteAsync(name, claim, claimsAsItWrites: true, requestId, callerGaveUp);
        if (written.Closed)
        {
            return (new IdempotencyClaim.Closed(), null);
        }

        if (written.Held is not { } held)
        {
            return (claim, written.Greeting);
        }

        return await _claims.ReadHeldAsync(held.Record, held.LeaseLeftMs, claim.Fingerprint) is { } found ? (found, null) : null;
    }

    public async ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken) =>
        (await WriteAsync(name, claim, claimsAsItWrites: false, requestId: null, cancellationToken)).Greeting;

    // What a write did: the greeting it made, or (for a write that claims as it writes) what held the key instead,
    // or that a commit check had closed its request.
    private readonly record struct Written(Greeting? Greeting, (RedisResult Record, RedisResult LeaseLeftMs)? Held = null, bool Closed = false);

    private async ValueTask<Written> WriteAsync(string name, IdempotencyClaim.New? claim, bool claimsAsItWrites, string? requestId, CancellationToken callerGaveUp)
    {
        var now = timeProvider.GetUtcNow();
        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", now);
        RedisValue[] values =
        [
            claim is null ? RedisValue.EmptyString : StoredRecords.Claim(claim),
            claim is null ? RedisValue.EmptyString : StoredRecords.Committed(claim, greeting.Id),
            StoredRecords.Greeting(greeting),
            StoredRecords.IndexEntry(now, greeting.Id, claim?.Key),
            0, // the entry's number, below
            (long)retention.Lifetime.TotalMilliseconds,
            claimsAsItWrites ? "claim" : RedisValue.EmptyString,
            (long)retention.ClaimLease.TotalMilliseconds,
            greeting.Id,
            requestId ?? RedisValue.EmptyString,
        ];

        var (result, number) = await CommitUnderANumberAsync(greeting.Id, claim, values, callerGaveUp);
        if ((string?)result[0] is { } outcome and not "written")
        {
            // Nothing written under the number: the next write takes it.
            _numbers.GiveBack(number);
            return outcome switch
            {
                "held" => new Written(null, (result[1], result[2])),
                "closed" => new Written(null, Closed: true),
                _ => new Written(null), // "lost"
            };
        }

        // Answered only once it would survive the store's crash.
        await commits.WaitAsync();
        try
        {
            await _eviction.EvictIfDueAsync((long)result[1], (long)result[2], now);
        }
        catch (Exception ex) when (StoreFailure.Is(ex) && ex is not RedisServerException)
        {
            // The write is kept: a 5xx now would send its caller to write it again. The next write evicts. (A
            // script the store refused is a defect, not a passing failure: that one is not swallowed.)
            StoreLog.EvictionPutOff(_logger, ex.GetType().Name);
        }

        return new Written(greeting);
    }

    // A refused number is not written under: the write drops its refill's numbers and earlier ones (IndexNumbers.Drop)
    // and takes another. A caller who gave up meanwhile gets no write: sent now, the script could land after that
    // caller's commit check had found nothing (CI saw a write answered "failed" that the store then held).
    private async ValueTask<(RedisResult[] Result, IndexNumber Number)> CommitUnderANumberAsync(string id, IdempotencyClaim.New? claim, RedisValue[] values, CancellationToken callerGaveUp)
    {
        while (true)
        {
            var number = await _numbers.TakeAsync();
            if (callerGaveUp.IsCancellationRequested)
            {
                _numbers.GiveBack(number);
                callerGaveUp.ThrowIfCancellationRequested();
            }

            values[4] = number.Value;
            RedisKey[] keys = claim is null
                ? [StoreKeys.Greeting(id), StoreKeys.IndexFirst, StoreKeys.GreetingCount, StoreKeys.IndexEntry(number.Value), StoreKeys.ListingVersion, StoreKeys.IndexNext]
                : [StoreKeys.Greeting(id), StoreKeys.IndexFirst, StoreKeys.GreetingCount, StoreKeys.IndexEntry(number.Value), StoreKeys.ListingVersion, StoreKeys.IndexNext,
                    StoreKeys.Idempotency(claim.Key), StoreKeys.ClosedRequests(claim.Key)];
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(GreetingScripts.Commit, keys, values))!;
            if ((string?)result[0] != "renumber")
            {
                return (result, number);
            }

            _numbers.Drop(number);
        }
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) => await _claims.Abandon(claim);

    public ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) => _claims.FindByKeyAsync(key, fingerprint);

    public ValueTask<IdempotencyClaim?> FindByKeyAndCloseAsync(string key, string? fingerprint, string requestId, CancellationToken cancellationToken) =>
        _claims.FindByKeyAndCloseAsync(key, fingerprint, requestId);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? StoredRecords.ReadGreeting(id, json) : null;

    public ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken) => _listing.ListAsync(limit, cancellationToken);
}
