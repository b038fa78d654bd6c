using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>Every key HelloService writes in the shared store, spelled once.</summary>
public static class StoreKeys
{
    /// <summary>Every key's first segment, this layout's and (<see cref="StoreLayoutUpgrade"/>) the older one's.</summary>
    internal const string Prefix = "retrydemo:";

    // The operator's fault state, each field its own string (the store keeps strings only: see IndexEntry), read
    // by a plain attempt in one MGET: the outage (present while on), and "fail next" as what is left of it, the
    // status it answers and its Retry-After.
    public static readonly RedisKey Outage = Prefix + "faults:outage";
    public static readonly RedisKey FailNextRemaining = Prefix + "faults:fail-next:remaining";
    public static readonly RedisKey FailNextStatus = Prefix + "faults:fail-next:status";
    public static readonly RedisKey FailNextRetryAfterSeconds = Prefix + "faults:fail-next:retry-after-seconds";

    /// <summary>
    /// Where a change to the operator's switches is announced to every replica (a channel, not a key): any message
    /// but a replica's probe (<c>probe:…</c>) is a change.
    /// </summary>
    public static readonly RedisChannel FaultSwitchesChanged = RedisChannel.Literal(Prefix + "faults:changed");

    /// <summary>Where each replica says it heard an announced change (a channel, not a key).</summary>
    public static readonly RedisChannel FaultSwitchesHeard = RedisChannel.Literal(Prefix + "faults:heard");

    /// <summary>How many requests have rolled under the configured seed since the last reset: one counter, one key.</summary>
    public static readonly RedisKey SeededRolls = Prefix + "faults:seeded-rolls";

    /// <summary>
    /// The index of greetings in the order they were written: each write takes a number from <see cref="IndexNext"/>
    /// (a replica under load takes several at once) and files its entry under <see cref="IndexEntry"/>; eviction takes entries from
    /// <see cref="IndexFirst"/> up. Strings only, no lists or sorted sets: Garnet 2.2.12's log compaction failed on
    /// object records within minutes of keyed writes (docs/benchmarks.md), and with strings alone it runs.
    /// </summary>
    public static readonly RedisKey IndexNext = Prefix + "index:next";

    /// <summary>The lowest number still in the index: every entry below it has been evicted (absent: 1).</summary>
    public static readonly RedisKey IndexFirst = Prefix + "index:first";

    /// <summary>
    /// How many greetings the index holds: added to on every commit, taken from as entries leave. Not the older
    /// layout's <c>index:count</c>, which counted greetings this index does not hold (<see cref="StoreLayoutUpgrade"/>).
    /// </summary>
    public static readonly RedisKey GreetingCount = Prefix + "index:greetings";

    /// <summary>
    /// Changed by every write to the index (a commit, an eviction) to a value it never had: a replica's last
    /// listing is current for as long as this is what it was when the listing was read.
    /// </summary>
    public static readonly RedisKey ListingVersion = Prefix + "index:version";

    // The records' prefixes end in their own segment, so no key or id a caller chooses can name an index.
    // The listing script names greetings and entries itself, from these.
    public const string GreetingPrefix = Prefix + "greeting:";
    public const string IndexEntryPrefix = Prefix + "index:entry:";
    private const string KeyPrefix = Prefix + "idempotency-key:";
    private const string ClosedPrefix = Prefix + "closed-requests:";

    /// <summary>
    /// The index's entry numbered <paramref name="number"/>: <c>{written, Unix ms}:{greeting id, 32 hex}{Idempotency-Key, if any}</c>.
    /// A number taken by a write that wrote nothing (a replay, a key held by another write) stays a gap.
    /// </summary>
    public static RedisKey IndexEntry(long number) => IndexEntryPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static RedisKey Attempts(string requestId) => Prefix + "attempts:" + requestId;

    public static RedisKey Greeting(string id) => GreetingPrefix + id;

    public static RedisKey Idempotency(string key) => KeyPrefix + key;

    /// <summary>
    /// The requests commit checks closed on an Idempotency-Key (<c>{"closedFor":[ids]}</c>, for a minute): a key of
    /// its own, so nothing that writes, evicts or frees the key's record takes a closing with it.
    /// </summary>
    public static RedisKey ClosedRequests(string key) => ClosedPrefix + key;
}
