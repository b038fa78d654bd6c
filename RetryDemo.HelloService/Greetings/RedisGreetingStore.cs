using System.Text.Json;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. Every step that
/// writes is one script, atomic on the server (<see cref="GreetingScripts"/>): claim, commit, abandon and
/// eviction each take one round trip. The index (a sorted set by creation time, member = greeting id then
/// its key) gives the newest page and the count without a scan, and tells eviction which records go together.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention) : IGreetingStore
{
    private const int IdLength = 32;

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        var record = ClaimRecord(claim);
        RedisResult result;
        try
        {
            result = await Db.ScriptEvaluateAsync(GreetingScripts.Claim, [StoreKeys.Idempotency(key)], [record, (long)retention.ClaimLease.TotalMilliseconds]);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            // The claim may still land after this request has given up on it (a stalled store): the abandon
            // queued behind it on the same connection frees the key as soon as the store runs again.
            _ = Db.ScriptEvaluateAsync(GreetingScripts.Abandon, [StoreKeys.Idempotency(key)], [record], CommandFlags.FireAndForget);
            throw;
        }

        if (result.IsNull)
        {
            return claim;
        }

        var held = (RedisResult[])result!;
        return Read((string)held[0]!, fingerprint, TimeSpan.FromMilliseconds(Math.Max(0, (long)held[1])));
    }

    public async ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", now);
        var member = greeting.Id + claim?.Key;
        RedisKey[] keys = claim is null
            ? [StoreKeys.Greeting(greeting.Id), StoreKeys.GreetingIndex]
            : [StoreKeys.Greeting(greeting.Id), StoreKeys.GreetingIndex, StoreKeys.Idempotency(claim.Key)];
        RedisValue[] values =
        [
            claim is null ? RedisValue.EmptyString : ClaimRecord(claim),
            claim is null ? RedisValue.EmptyString : Serialize(new IdempotencyRecord(IdempotencyRecord.Committed, claim.Fingerprint, null, greeting)),
            JsonSerializer.Serialize(greeting, GreetingRecordJson.Default.Greeting),
            member,
            Score(now),
            (long)retention.Lifetime.TotalMilliseconds,
            Score(now - retention.Lifetime),
        ];

        var count = (long)await Db.ScriptEvaluateAsync(GreetingScripts.Commit, keys, values);
        if (count < 0)
        {
            return null;
        }

        if (count - retention.Capacity >= retention.EvictionBatch)
        {
            // Twice what is over: replicas evicting at once read overlapping candidates, and the script takes
            // only as many as are over capacity when it runs.
            await EvictOldestAsync(2 * Math.Min(count - retention.Capacity, 2L * retention.EvictionBatch));
        }

        return greeting;
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) =>
        await Db.ScriptEvaluateAsync(GreetingScripts.Abandon, [StoreKeys.Idempotency(claim.Key)], [ClaimRecord(claim)]);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? DeserializeGreeting(json) : null;

    public async ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)) is { } value ? Read(value, fingerprint, TimeSpan.Zero) : null;

    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        // By rank from the newest end, and the count as ZCARD less the (usually empty) expired end: a
        // count over the whole score range made Garnet walk every member (12 listings/s at 200 000).
        var cutoff = Score(timeProvider.GetUtcNow() - retention.Lifetime);
        var batch = Db.CreateBatch();
        var all = batch.SortedSetLengthAsync(StoreKeys.GreetingIndex);
        var expired = batch.SortedSetLengthAsync(StoreKeys.GreetingIndex, double.NegativeInfinity, cutoff);
        var newest = batch.SortedSetRangeByRankWithScoresAsync(StoreKeys.GreetingIndex, 0, limit - 1, Order.Descending);
        batch.Execute();
        var ids = (await newest).Where(entry => entry.Score > cutoff).Select(entry => StoreKeys.Greeting(IdOf(entry.Element))).ToArray();
        var greetings = ids.Length == 0 ? [] : await Db.StringGetAsync(ids);
        return new GreetingList((int)(await all - await expired), [.. greetings.Where(g => !g.IsNull).Select(g => DeserializeGreeting(g!))]);
    }

    /// <summary>
    /// The oldest entries over capacity leave with their records, in one atomic step that re-counts: a
    /// candidate list read a moment earlier can be stale (another replica evicting too), never over-applied.
    /// </summary>
    private async Task EvictOldestAsync(long candidateCount)
    {
        var candidates = await Db.SortedSetRangeByRankAsync(StoreKeys.GreetingIndex, 0, candidateCount - 1);
        var keys = new List<RedisKey>(1 + candidates.Length * 2) { StoreKeys.GreetingIndex };
        foreach (var member in candidates)
        {
            var value = (string)member!;
            keys.Add(StoreKeys.Greeting(value[..IdLength]));
            if (value.Length > IdLength)
            {
                keys.Add(StoreKeys.Idempotency(value[IdLength..]));
            }
        }

        await Db.ScriptEvaluateAsync(GreetingScripts.Evict, [.. keys], [retention.Capacity, .. candidates]);
    }

    // Microseconds since the epoch: ms precision, and room below it for the commit script to keep scores growing.
    private static long Score(DateTimeOffset time) => time.ToUnixTimeMilliseconds() * 1000;

    private static string IdOf(RedisValue member) => ((string)member!)[..IdLength];

    private static string ClaimRecord(IdempotencyClaim.New claim) =>
        Serialize(new IdempotencyRecord(IdempotencyRecord.Claimed, claim.Fingerprint, claim.Token, null));

    private static string Serialize(IdempotencyRecord record) => JsonSerializer.Serialize(record, GreetingRecordJson.Default.IdempotencyRecord);

    private static IdempotencyClaim Read(string value, string? fingerprint, TimeSpan leaseLeft)
    {
        var record = JsonSerializer.Deserialize(value, GreetingRecordJson.Default.IdempotencyRecord)
            ?? throw new InvalidDataException("An idempotency record is empty.");
        if (fingerprint is not null && record.Fingerprint != fingerprint)
        {
            return new IdempotencyClaim.Mismatch();
        }

        return record is { State: IdempotencyRecord.Committed, Greeting: { } greeting }
            ? new IdempotencyClaim.Committed(greeting)
            : new IdempotencyClaim.InProgress(leaseLeft);
    }

    private static Greeting DeserializeGreeting(string json) =>
        JsonSerializer.Deserialize(json, GreetingRecordJson.Default.Greeting) ?? throw new InvalidDataException("A stored greeting is empty.");
}
