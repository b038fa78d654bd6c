using System.ComponentModel.DataAnnotations;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// How long HelloService keeps what it knows, the same whichever store holds it. Greetings are bounded
/// twice — by age and by count, oldest out first — so memory and disk stay bounded and a write is never
/// refused because something is full. An Idempotency-Key's outcome lives exactly as long as its greeting:
/// they are written together and leave together, so a replay never points at a greeting already gone.
/// </summary>
public sealed record StateRetention
{
    public const string SectionName = "StateRetention";

    /// <summary>What HelloService runs with; tests shrink it to see eviction and expiry happen.</summary>
    public static StateRetention Default { get; } = new();

    /// <summary>
    /// A greeting, and the replay of the key that wrote it, is kept for a day (Stripe keeps its keys as
    /// long) unless <see cref="Capacity"/> newer greetings push it out first.
    /// </summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The most greetings kept, each with its key. This is the replay horizon under load: a key replays
    /// for at least as long as this many newer writes take. Sized from the highest sustained keyed-write
    /// rate measured on the project's 2-core machine, 10,247 writes/s in a 20 s slice (docs/benchmarks.md,
    /// "Replay horizon"): at that rate it is 11.4 minutes (6,000,000 gave 9.8 once writes got faster).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int Capacity { get; init; } = 7_000_000;

    /// <summary>
    /// How long a claimed key stays claimed without an outcome: long enough for the claim-to-commit step,
    /// short enough that a claim left behind (a replica that died between the two, a script a store crash
    /// cut in half) frees the key for a retry within one ClientService call (whose 409 waits carry a
    /// Retry-After up to the lease's end). With the store a keyed write claims as it commits, in one script.
    /// </summary>
    public TimeSpan ClaimLease { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a commit check that found nothing keeps its request's late writes out (<see cref="Greetings.IGreetingStore.FindByKeyAndCloseAsync"/>).
    /// A late write is a script the store runs after HelloService stopped waiting for it: it lands as soon as the
    /// store runs again, within its backlog's seconds, so a minute is far beyond it (a script held longer, as
    /// through a network partition of that long, is not kept out); and short enough that what the checks leave
    /// behind is bounded: one small key for each check that found nothing, for a minute.
    /// </summary>
    public TimeSpan ClosedRequestLifetime { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts of one logical request are counted this long after its last attempt.</summary>
    public TimeSpan AttemptCountLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The most attempt counts one process keeps without the store (the store expires them by age alone).</summary>
    public int AttemptCountCapacity { get; init; } = 200_000;

    /// <summary>The most greetings one listing returns, newest first.</summary>
    public int ListPageSize { get; init; } = 100;

    /// <summary>
    /// Greetings written at or before this moment (Unix milliseconds) are past their lifetime at <paramref name="now"/>:
    /// a greeting lives for exactly <see cref="Lifetime"/>, not to the end of some coarser span.
    /// </summary>
    public long ExpiredUpTo(DateTimeOffset now) => (now - Lifetime).ToUnixTimeMilliseconds();
}
