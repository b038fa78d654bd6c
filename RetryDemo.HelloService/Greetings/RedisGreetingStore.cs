using System.Text.Json;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. A claim is
/// <c>SET NX PX</c> (a lease); the commit is one MULTI/EXEC under WATCH of the claim, so it happens only
/// while the claim is still this request's, and writes the greeting, the key's outcome and both indexes
/// together. The indexes (sorted sets by time) give the newest page and the count without a scan, and
/// let writes evict the oldest beyond capacity.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention) : IGreetingStore
{
    private const string Claimed = "P|";
    private const string Done = "C|";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
        // A record can vanish between the two steps (abandoned, expired); then the key is free again.
        for (var tries = 0; tries < 3; tries++)
        {
            if (await Db.StringSetAsync(StoreKeys.Idempotency(key), ClaimValue(claim), retention.ClaimLease, When.NotExists))
            {
                return claim;
            }

            if ((string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)) is { } existing)
            {
                return Read(existing, fingerprint);
            }
        }

        return new IdempotencyClaim.InProgress();
    }

    public async ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", now);
        var json = JsonSerializer.Serialize(greeting, Json);
        var score = now.ToUnixTimeMilliseconds();

        var transaction = Db.CreateTransaction();
        Task<long>? keyCount = null;
        if (claim is not null)
        {
            transaction.AddCondition(Condition.StringEqual(StoreKeys.Idempotency(claim.Key), ClaimValue(claim)));
            _ = transaction.StringSetAsync(StoreKeys.Idempotency(claim.Key), $"{Done}{claim.Fingerprint}|{json}", retention.KeyLifetime);
            _ = transaction.SortedSetAddAsync(StoreKeys.KeyIndex, claim.Key, score);
            _ = transaction.SortedSetRemoveRangeByScoreAsync(StoreKeys.KeyIndex, double.NegativeInfinity, (now - retention.KeyLifetime).ToUnixTimeMilliseconds());
            keyCount = transaction.SortedSetLengthAsync(StoreKeys.KeyIndex);
        }

        _ = transaction.StringSetAsync(StoreKeys.Greeting(greeting.Id), json, retention.GreetingLifetime);
        _ = transaction.SortedSetAddAsync(StoreKeys.GreetingIndex, greeting.Id, score);
        _ = transaction.SortedSetRemoveRangeByScoreAsync(StoreKeys.GreetingIndex, double.NegativeInfinity, (now - retention.GreetingLifetime).ToUnixTimeMilliseconds());
        var greetingCount = transaction.SortedSetLengthAsync(StoreKeys.GreetingIndex);
        if (!await transaction.ExecuteAsync())
        {
            return null;
        }

        await EvictOldestAsync(StoreKeys.GreetingIndex, StoreKeys.GreetingPrefix, await greetingCount, retention.GreetingCapacity);
        if (keyCount is not null)
        {
            await EvictOldestAsync(StoreKeys.KeyIndex, StoreKeys.KeyPrefix, await keyCount, retention.KeyCapacity);
        }

        return greeting;
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken)
    {
        // Only if it is still this request's claim: a claim taken over after its lease stays.
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(StoreKeys.Idempotency(claim.Key), ClaimValue(claim)));
        _ = transaction.KeyDeleteAsync(StoreKeys.Idempotency(claim.Key));
        await transaction.ExecuteAsync();
    }

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? Deserialize(json) : null;

    public async ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)) is { } value ? Read(value, fingerprint) : null;

    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        // By rank from the newest end, and the count as ZCARD less the (usually empty) expired end: a
        // count over the whole score range made Garnet walk every member (12 listings/s at 200 000).
        var cutoff = (timeProvider.GetUtcNow() - retention.GreetingLifetime).ToUnixTimeMilliseconds();
        var batch = Db.CreateBatch();
        var all = batch.SortedSetLengthAsync(StoreKeys.GreetingIndex);
        var expired = batch.SortedSetLengthAsync(StoreKeys.GreetingIndex, double.NegativeInfinity, cutoff);
        var newest = batch.SortedSetRangeByRankWithScoresAsync(StoreKeys.GreetingIndex, 0, limit - 1, Order.Descending);
        batch.Execute();
        var ids = (await newest).Where(entry => entry.Score > cutoff).Select(entry => StoreKeys.Greeting(entry.Element!)).ToArray();
        var greetings = ids.Length == 0 ? [] : await Db.StringGetAsync(ids);
        return new GreetingList((int)(await all - await expired), [.. greetings.Where(g => !g.IsNull).Select(g => Deserialize(g!))]);
    }

    /// <summary>
    /// Past capacity, the oldest go — 1 % of capacity beyond it at a time, so eviction is one step per
    /// hundreds of writes, not a step on every one. By member, so two replicas evicting at once remove
    /// the same entries once.
    /// </summary>
    private async Task EvictOldestAsync(RedisKey index, string prefix, long count, int capacity)
    {
        var over = count - capacity;
        if (over <= 0)
        {
            return;
        }

        var oldest = await Db.SortedSetRangeByRankAsync(index, 0, over + capacity / 100 - 1);
        var batch = Db.CreateBatch();
        var deleted = batch.KeyDeleteAsync([.. oldest.Select(member => (RedisKey)(prefix + member))]);
        var removed = batch.SortedSetRemoveAsync(index, oldest);
        batch.Execute();
        await Task.WhenAll(deleted, removed);
    }

    private static string ClaimValue(IdempotencyClaim.New claim) => $"{Claimed}{claim.Fingerprint}|{claim.Token}";

    // "P|fingerprint|token" while claimed, "C|fingerprint|greeting JSON" once committed; a fingerprint is hex, so '|' never occurs in it.
    private static IdempotencyClaim Read(string value, string? fingerprint)
    {
        var end = value.IndexOf('|', 2);
        if (fingerprint is not null && value[2..end] != fingerprint)
        {
            return new IdempotencyClaim.Mismatch();
        }

        return value.StartsWith(Done, StringComparison.Ordinal)
            ? new IdempotencyClaim.Committed(Deserialize(value[(end + 1)..]))
            : new IdempotencyClaim.InProgress();
    }

    private static Greeting Deserialize(string json) =>
        JsonSerializer.Deserialize<Greeting>(json, Json) ?? throw new InvalidDataException("A stored greeting is empty.");
}
