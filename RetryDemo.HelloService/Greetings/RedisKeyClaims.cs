using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Idempotency keys in the store, read back as what holds them: a claim still held, a committed greeting, or
/// another name. A keyed write claims as it commits (<see cref="GreetingScripts.Commit"/>); the claim of its own
/// (<see cref="GreetingScripts.Claim"/>) and its release (<see cref="GreetingScripts.Abandon"/>) are the
/// <see cref="IGreetingStore"/> steps for a caller that claims first.
/// </summary>
internal sealed class RedisKeyClaims(IConnectionMultiplexer redis, StoreCommits commits, StateRetention retention)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Frees the key only if this claim still holds it (<see cref="GreetingScripts.Abandon"/>).</summary>
    public Task<RedisResult> Abandon(IdempotencyClaim.New claim, CommandFlags flags = CommandFlags.None) =>
        Db.ScriptEvaluateAsync(GreetingScripts.Abandon, [StoreKeys.Idempotency(claim.Key)], [StoredRecords.Claim(claim)], flags);

    // Null from a claim: the key named a greeting that left between the claim and its read (evicted with its
    // key), so the key is free now: it is claimed once more rather than answered "in progress" for a write
    // nobody is making.
    public async ValueTask<IdempotencyClaim> ClaimAsync(IdempotencyClaim.New claim) =>
        await ClaimOnceAsync(claim) ?? await ClaimOnceAsync(claim) ?? StillChanging;

    /// <summary>A key that twice named a greeting gone by the time it was read: it is changing under us, so come back in a second.</summary>
    public static readonly IdempotencyClaim.InProgress StillChanging = new(TimeSpan.FromSeconds(1));

    private async ValueTask<IdempotencyClaim?> ClaimOnceAsync(IdempotencyClaim.New claim)
    {
        RedisResult result;
        try
        {
            result = await Db.ScriptEvaluateAsync(GreetingScripts.Claim, [StoreKeys.Idempotency(claim.Key)], [StoredRecords.Claim(claim), (long)retention.ClaimLease.TotalMilliseconds]);
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
        return await ReadHeldAsync(held[0], held[1], claim.Fingerprint);
    }

    /// <summary>
    /// What a script found holding the key says to a write with <paramref name="fingerprint"/>: the key's record and
    /// its time left in ms, as the script read them. Null when the record named a greeting now gone (the key is free).
    /// </summary>
    public async ValueTask<IdempotencyClaim?> ReadHeldAsync(RedisResult record, RedisResult leaseLeftMs, string fingerprint) =>
        await DurableAsync(await ReadAsync((string)record!, fingerprint, TimeSpan.FromMilliseconds(Math.Max(0, (long)leaseLeftMs))));

    public async ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint) =>
        await FoundAsync((string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)), fingerprint);

    /// <summary>
    /// <see cref="FindByKeyAsync"/>, and, when it finds nothing, closes the key to <paramref name="requestId"/>'s
    /// late writes in the same step (<see cref="GreetingScripts.CheckAndClose"/>). "Not committed" is answered, like
    /// a write, only once the closing would survive the store's crash, and only when this check closed the key: a
    /// record that named a greeting gone by the time it was read means the key is free now, so once more, and
    /// then "still changing" (no answer) rather than a "not committed" that closed nothing.
    /// </summary>
    public async ValueTask<IdempotencyClaim?> FindByKeyAndCloseAsync(string key, string? fingerprint, string requestId)
    {
        for (var tries = 0; tries < 2; tries++)
        {
            var record = (string?)await Db.ScriptEvaluateAsync(GreetingScripts.CheckAndClose, [StoreKeys.Idempotency(key), StoreKeys.ClosedRequests(key)],
                [requestId, (long)retention.ClosedRequestLifetime.TotalMilliseconds, IdempotencyClaim.Closed.MostPerKey]);
            if (record is null)
            {
                await commits.WaitAsync();
                return null;
            }

            if (await FoundAsync(record, fingerprint) is { } found)
            {
                return found;
            }
        }

        return StillChanging;
    }

    private async ValueTask<IdempotencyClaim?> FoundAsync(string? record, string? fingerprint) =>
        record is not null ? await DurableAsync(await ReadAsync(record, fingerprint, TimeSpan.Zero)) : null;

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
    /// What a key's record says; null when it names a greeting that is gone (the greeting outlives its key by a
    /// second, and both leave together on eviction, so only a record read across that second's edge meets this).
    /// </summary>
    private async ValueTask<IdempotencyClaim?> ReadAsync(string value, string? fingerprint, TimeSpan leaseLeft)
    {
        var record = StoredRecords.ReadKey(value);
        if (fingerprint is not null && record.Fingerprint != fingerprint)
        {
            return new IdempotencyClaim.Mismatch();
        }

        return record switch
        {
            { State: IdempotencyRecord.Committed, Greeting: { } greeting } => new IdempotencyClaim.Committed(greeting),
            { State: IdempotencyRecord.Committed, GreetingId: { } id } => await FindGreetingAsync(id) is { } greeting
                ? new IdempotencyClaim.Committed(greeting)
                : null,
            _ => new IdempotencyClaim.InProgress(leaseLeft),
        };
    }

    private async ValueTask<Greeting?> FindGreetingAsync(string id) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? StoredRecords.ReadGreeting(id, json) : null;
}
