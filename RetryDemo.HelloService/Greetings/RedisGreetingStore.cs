using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. Every step that
/// writes is one script, atomic on the server (<see cref="GreetingScripts"/>): a commit of this replica's writes
/// under way at once (each claim and commit together, after taking the index's numbers: <see cref="CommitBatches"/>),
/// abandon, and each eviction step (after reading its entries). The index
/// (<see cref="StoreKeys.IndexEntry"/>: numbered entries in the order written, each its greeting's id then its
/// key) gives the newest page and the count without a scan, and tells eviction which records go together.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, StoreCommits commits, TimeProvider timeProvider, StateRetention retention, ILogger<RedisGreetingStore>? logger = null) : IGreetingStore
{
    private readonly CommitBatches _batches = new(redis, timeProvider, retention);
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
    /// and one script (shared with the writes beside it), and a write cut short never leaves a claim behind for a
    /// retry to wait out.
    /// </summary>
    public async ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        // As RedisKeyClaims.ClaimAsync: a key that named a greeting gone by the time it was read is free, so once more.
        return await ClaimAndCommitOnceAsync(name, claim, cancellationToken) ?? await ClaimAndCommitOnceAsync(name, claim, cancellationToken) ?? (RedisKeyClaims.StillChanging, null);
    }

    private async ValueTask<(IdempotencyClaim Claim, Greeting? Created)?> ClaimAndCommitOnceAsync(string name, IdempotencyClaim.New claim, CancellationToken cancellationToken)
    {
        var written = await WriteAsync(name, claim, claimsAsItWrites: true, cancellationToken);
        if (written.Held is not { } held)
        {
            return (claim, written.Greeting);
        }

        return await _claims.ReadHeldAsync(held.Record, held.LeaseLeftMs, claim.Fingerprint) is { } found ? (found, null) : null;
    }

    public async ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken) =>
        (await WriteAsync(name, claim, claimsAsItWrites: false, cancellationToken)).Greeting;

    // What a write did: the greeting it made, or (for a write that claims as it writes) what held the key instead.
    private readonly record struct Written(Greeting? Greeting, CommitOutcome.Held? Held = null);

    private async ValueTask<Written> WriteAsync(string name, IdempotencyClaim.New? claim, bool claimsAsItWrites, CancellationToken callerGaveUp)
    {
        var now = timeProvider.GetUtcNow();
        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", now);
        var outcome = await _batches.CommitAsync(new CommitWrite(
            greeting.Id, StoredRecords.Greeting(greeting), now, StoredRecords.IndexEntry(now, greeting.Id, claim?.Key), claim, claimsAsItWrites), callerGaveUp);
        if (outcome is not CommitOutcome.Written written)
        {
            return new Written(null, outcome as CommitOutcome.Held);
        }

        // Answered only once it would survive the store's crash.
        await commits.WaitAsync();
        try
        {
            await _eviction.EvictIfDueAsync(written.Count, written.First, now);
        }
        catch (Exception ex) when (StoreFailure.Is(ex) && ex is not RedisServerException)
        {
            // The write is kept: a 5xx now would send its caller to write it again. The next write evicts. (A
            // script the store refused is a defect, not a passing failure: that one is not swallowed.)
            StoreLog.EvictionPutOff(_logger, ex.GetType().Name);
        }

        return new Written(greeting);
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) => await _claims.Abandon(claim);

    public ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) => _claims.FindByKeyAsync(key, fingerprint);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? StoredRecords.ReadGreeting(id, json) : null;

    public ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken) => _listing.ListAsync(limit, cancellationToken);
}
