using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>Every key HelloService writes in the shared store, spelled once.</summary>
public static class StoreKeys
{
    private const string Prefix = "retrydemo:";

    public static readonly RedisKey Outage = Prefix + "faults:outage";
    public static readonly RedisKey FailNextRemaining = Prefix + "faults:fail-next";
    public static readonly RedisKey FailNextSpec = Prefix + "faults:fail-next:spec";

    /// <summary>How many requests have rolled under the configured seed since the last reset: one counter, one key.</summary>
    public static readonly RedisKey SeededRolls = Prefix + "faults:seeded-rolls";

    /// <summary>Greeting ids by creation time (ms): the newest-first page and the count, without a scan.</summary>
    public static readonly RedisKey GreetingIndex = Prefix + "index:greetings";

    /// <summary>Idempotency keys by commit time (ms), so the oldest go first when there are too many.</summary>
    public static readonly RedisKey KeyIndex = Prefix + "index:idempotency-keys";

    // The records' prefixes end in their own segment, so no key or id a caller chooses can name an index.
    public const string GreetingPrefix = Prefix + "greeting:";
    public const string KeyPrefix = Prefix + "idempotency-key:";

    public static RedisKey Attempts(string requestId) => Prefix + "attempts:" + requestId;

    public static RedisKey Greeting(string id) => GreetingPrefix + id;

    public static RedisKey Idempotency(string key) => KeyPrefix + key;
}
