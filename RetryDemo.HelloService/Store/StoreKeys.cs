using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>Every key HelloService writes in the shared store, spelled once.</summary>
public static class StoreKeys
{
    private const string Prefix = "retrydemo:";

    public static readonly RedisKey Outage = Prefix + "faults:outage";

    /// <summary>A hash: <c>remaining</c>, <c>status</c>, <c>retryAfterSeconds</c>.</summary>
    public static readonly RedisKey FailNext = Prefix + "faults:fail-next";

    /// <summary>How many requests have rolled under the configured seed since the last reset: one counter, one key.</summary>
    public static readonly RedisKey SeededRolls = Prefix + "faults:seeded-rolls";

    /// <summary>
    /// Greetings by creation time (µs, always growing), member = the greeting's id followed by its Idempotency-Key (if any):
    /// the newest page and the count without a scan, and which records leave together when it is full.
    /// </summary>
    public static readonly RedisKey GreetingIndex = Prefix + "index:greetings";

    // The records' prefixes end in their own segment, so no key or id a caller chooses can name an index.
    private const string GreetingPrefix = Prefix + "greeting:";
    private const string KeyPrefix = Prefix + "idempotency-key:";

    public static RedisKey Attempts(string requestId) => Prefix + "attempts:" + requestId;

    public static RedisKey Greeting(string id) => GreetingPrefix + id;

    public static RedisKey Idempotency(string key) => KeyPrefix + key;
}
