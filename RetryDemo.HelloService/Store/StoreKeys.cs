using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>Every key HelloService writes in the shared store, spelled once.</summary>
public static class StoreKeys
{
    private const string Prefix = "retrydemo:";

    /// <summary>
    /// The operator's fault state, one hash so a plain attempt reads it in one command: <c>outage</c> (present
    /// while on), and "fail next" as <c>remaining</c>, <c>status</c>, <c>retryAfterSeconds</c>.
    /// </summary>
    public static readonly RedisKey FaultState = Prefix + "faults:state";

    /// <summary>How many requests have rolled under the configured seed since the last reset: one counter, one key.</summary>
    public static readonly RedisKey SeededRolls = Prefix + "faults:seeded-rolls";

    /// <summary>
    /// The index of greetings by creation time, in buckets of <see cref="StateRetention.IndexBucket"/>: this
    /// sorted set holds the buckets (member and score: the bucket's number), each <see cref="IndexBucket"/> a
    /// list of its greetings in commit order (member: the greeting's id, then its Idempotency-Key if any). Many
    /// small lists, each written for one bucket's span and then only read or deleted whole: the store keeps
    /// objects in a log, and one index of millions, changed on every write, was copied into it again and again.
    /// </summary>
    public static readonly RedisKey IndexBuckets = Prefix + "index:buckets";

    /// <summary>How many greetings the index holds: added to on every commit, taken from as buckets leave.</summary>
    public static readonly RedisKey GreetingCount = Prefix + "index:count";

    /// <summary>
    /// Changed by every write to the index (a commit, an eviction) to a value it never had: a replica's last
    /// listing is current for as long as this is what it was when the listing was read.
    /// </summary>
    public static readonly RedisKey ListingVersion = Prefix + "index:version";

    // The records' prefixes end in their own segment, so no key or id a caller chooses can name an index.
    // The listing script names greetings and buckets itself, from these.
    public const string GreetingPrefix = Prefix + "greeting:";
    public const string IndexBucketPrefix = Prefix + "index:bucket:";
    private const string KeyPrefix = Prefix + "idempotency-key:";

    public static RedisKey IndexBucket(long bucket) => IndexBucketPrefix + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static RedisKey Attempts(string requestId) => Prefix + "attempts:" + requestId;

    public static RedisKey Greeting(string id) => GreetingPrefix + id;

    public static RedisKey Idempotency(string key) => KeyPrefix + key;
}
