using System.Globalization;
using System.Text.Json;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in the shared store, for any number of replicas. A claim is
/// <c>SET NX PX</c> (a lease); the commit is one script that checks the claim is still this request's,
/// then writes the greeting, the key's outcome and both indexes together. Indexes (sorted sets by time)
/// give the newest page and the count without a scan, and let each write evict the oldest beyond capacity.
/// </summary>
public sealed class RedisGreetingStore(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention) : IGreetingStore
{
    private const string Claimed = "P|";
    private const string Done = "C|";

    // KEYS: idempotency key (or a placeholder), greeting, greeting index, key index.
    // ARGV: claim value ('' without a key), committed value, greeting JSON, greeting id, now (ms),
    //       greeting lifetime (ms), key lifetime (ms), greeting capacity, key capacity, idempotency key.
    private const string CommitScript = """
        local function trim(index, prefix, cutoff, capacity)
          redis.call('ZREMRANGEBYSCORE', index, '-inf', cutoff)
          local over = redis.call('ZCARD', index) - capacity
          if over > 0 then
            for _, member in ipairs(redis.call('ZRANGE', index, 0, over - 1)) do
              redis.call('DEL', prefix .. member)
            end
            redis.call('ZREMRANGEBYRANK', index, 0, over - 1)
          end
        end
        local now = tonumber(ARGV[5])
        if ARGV[1] ~= '' then
          if redis.call('GET', KEYS[1]) ~= ARGV[1] then
            return 0
          end
          redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[7])
          redis.call('ZADD', KEYS[4], now, ARGV[10])
          trim(KEYS[4], ARGV[12], now - tonumber(ARGV[7]), tonumber(ARGV[9]))
        end
        redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[6])
        redis.call('ZADD', KEYS[3], now, ARGV[4])
        trim(KEYS[3], ARGV[11], now - tonumber(ARGV[6]), tonumber(ARGV[8]))
        return 1
        """;

    // Releases a claim only if it is still this request's.
    private const string AbandonScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // The count and the newest page, read together (expired entries are past the cutoff).
    private const string ListScript = """
        local cutoff = '(' .. ARGV[1]
        local out = { redis.call('ZCOUNT', KEYS[1], cutoff, '+inf') }
        for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', cutoff, 'LIMIT', 0, ARGV[2])) do
          local greeting = redis.call('GET', ARGV[3] .. id)
          if greeting then
            out[#out + 1] = greeting
          end
        end
        return out
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly RedisKey NoKey = StoreKeys.Idempotency("-");

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

            var existing = (string?)await Db.StringGetAsync(StoreKeys.Idempotency(key));
            if (existing is not null)
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
        var committed = await Db.ScriptEvaluateAsync(CommitScript,
            [claim is null ? NoKey : StoreKeys.Idempotency(claim.Key), StoreKeys.Greeting(greeting.Id), StoreKeys.GreetingIndex, StoreKeys.KeyIndex],
            [
                claim is null ? "" : ClaimValue(claim),
                claim is null ? "" : $"{Done}{claim.Fingerprint}|{json}",
                json,
                greeting.Id,
                now.ToUnixTimeMilliseconds(),
                Ms(retention.GreetingLifetime),
                Ms(retention.KeyLifetime),
                retention.GreetingCapacity,
                retention.KeyCapacity,
                claim?.Key ?? "",
                StoreKeys.GreetingPrefix,
                StoreKeys.KeyPrefix,
            ]);
        return (int)committed == 1 ? greeting : null;
    }

    public async ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken) =>
        await Db.ScriptEvaluateAsync(AbandonScript, [StoreKeys.Idempotency(claim.Key)], [ClaimValue(claim)]);

    public async ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Greeting(id)) is { } json ? Deserialize(json) : null;

    public async ValueTask<Greeting?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        (string?)await Db.StringGetAsync(StoreKeys.Idempotency(key)) is { } value && Read(value, fingerprint: null) is IdempotencyClaim.Committed committed
            ? committed.Greeting
            : null;

    public async ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken)
    {
        var cutoff = (timeProvider.GetUtcNow() - retention.GreetingLifetime).ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ListScript, [StoreKeys.GreetingIndex], [cutoff, limit, StoreKeys.GreetingPrefix]))!;
        return new GreetingList((int)result[0], [.. result.Skip(1).Select(g => Deserialize((string)g!))]);
    }

    private static string ClaimValue(IdempotencyClaim.New claim) => $"{Claimed}{claim.Fingerprint}|{claim.Token}";

    // "P|fingerprint|token" while claimed, "C|fingerprint|greeting JSON" once committed; a fingerprint is hex, so '|' never occurs in it.
    private static IdempotencyClaim Read(string value, string? fingerprint)
    {
        var end = value.IndexOf('|', 2);
        var recorded = value[2..end];
        if (fingerprint is not null && recorded != fingerprint)
        {
            return new IdempotencyClaim.Mismatch();
        }

        return value.StartsWith(Done, StringComparison.Ordinal)
            ? new IdempotencyClaim.Committed(Deserialize(value[(end + 1)..]))
            : new IdempotencyClaim.InProgress();
    }

    private static Greeting Deserialize(string json) =>
        JsonSerializer.Deserialize<Greeting>(json, Json) ?? throw new InvalidDataException("A stored greeting is empty.");

    private static string Ms(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
