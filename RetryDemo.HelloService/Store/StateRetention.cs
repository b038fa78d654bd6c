namespace RetryDemo.HelloService.Store;

/// <summary>
/// How long HelloService keeps what it knows, the same whichever store holds it. Every collection is
/// bounded twice — by age and by count, oldest out first — so memory stays bounded and writes are never
/// refused because something is full.
/// </summary>
public sealed record StateRetention
{
    /// <summary>What HelloService runs with; tests shrink it to see eviction and expiry happen.</summary>
    public static StateRetention Default { get; } = new();

    /// <summary>
    /// A replay answers for a day, as Stripe keeps its keys: long enough for any retry a caller makes
    /// by hand, and far past ClientService's own 15 s total timeout.
    /// </summary>
    public TimeSpan KeyLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Under a flood the newest keys win: at the highest write rate measured (docs/benchmarks.md, sustained
    /// writes) this many keys still cover several times ClientService's total timeout, so a retry finds its key.
    /// </summary>
    public int KeyCapacity { get; init; } = 200_000;

    public TimeSpan GreetingLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>As many as keys, so a key's replay never points at a greeting already evicted.</summary>
    public int GreetingCapacity { get; init; } = 200_000;

    /// <summary>
    /// How long a claimed key stays claimed without an outcome: long enough for the claim-to-commit step
    /// (one store round trip), short enough that a replica that dies holding a claim frees the key for
    /// a retry within one ClientService call.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of one logical request are counted this long after its last attempt.</summary>
    public TimeSpan AttemptCountLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The most greetings one listing returns, newest first.</summary>
    public int ListPageSize { get; init; } = 100;
}
