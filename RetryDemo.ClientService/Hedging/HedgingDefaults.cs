namespace RetryDemo.ClientService.Hedging;

/// <summary>
/// The shipped hedging of <c>GET /hello/hedged</c>: a second attempt beside a slow first one. These are the
/// values; configuration (<c>HelloClient:Hedging</c>) only overrides them. Measured in docs/benchmarks.md
/// (<c>hedging</c>).
/// </summary>
public static class HedgingDefaults
{
    /// <summary>
    /// One hedge, two attempts at most: against a 5 % slow tail both are slow 0.25 % of the time, so a second
    /// hedge would buy that last 0.25 % with a third attempt. "The Tail at Scale" needed one.
    /// </summary>
    public const int MaxHedgedAttempts = 1;

    /// <summary>
    /// The delay follows what HelloService's answers take, so a HelloService that is slow everywhere (not just in
    /// its tail) is not hedged on every call: a constant would double the load, and the retry budget would not
    /// stop it (a hedged call that is answered pays its token back).
    /// </summary>
    public const bool AdaptiveDelay = true;

    /// <summary>The delay when <see cref="AdaptiveDelay"/> is off, and the adaptive one's until enough answers are known.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    /// <summary>Dean and Barroso's: hedge once the first attempt has run longer than 95 % of answered attempts do.</summary>
    public const double DelayPercentile = 0.95;

    /// <summary>
    /// A floor under the adaptive delay: HelloService answers in 1–5 ms here, so its own 95th percentile would
    /// hedge a good share of merely ordinary attempts (a GC pause, a busy core) for nothing.
    /// </summary>
    public static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>A ceiling: half the 2 s attempt timeout, so a hedge comes well before that timeout would cut the attempt (the pipeline also keeps any delay below half the configured timeout).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    /// <summary>The answered attempts the percentile is taken over: the last thousand.</summary>
    public const int DelayWindow = 1000;

    /// <summary>The percentile is taken again every this many answers, and first once this many are known.</summary>
    public const int DelayRecomputeEvery = 50;
}
