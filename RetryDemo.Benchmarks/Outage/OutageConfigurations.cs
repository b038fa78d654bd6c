namespace RetryDemo.Benchmarks.Outage;

/// <summary>
/// ClientService as shipped, re-configured through its command line only, and (with a baseline checkout)
/// as it shipped before: the rows differ only in ClientService.
/// </summary>
public static class OutageConfigurations
{
    private static readonly Dictionary<string, string> NoBreaker = new()
    {
        // A breaker that never opens, so the row shows what its retry layer alone sends.
        ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000000",
    };

    private static readonly Dictionary<string, string> StandardDefaults = new()
    {
        // Microsoft.Extensions.Http.Resilience's own defaults, over ClientService's tuned appsettings.
        ["HelloClient:RetryBudget:Enabled"] = "false",
        ["HelloClient:Resilience:Retry:MaxRetryAttempts"] = "3",
        ["HelloClient:Resilience:Retry:Delay"] = "00:00:02",
        ["HelloClient:Resilience:Retry:MaxDelay"] = "00:00:30",
        ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:10",
        ["HelloClient:Resilience:TotalRequestTimeout:Timeout"] = "00:00:30",
        ["HelloClient:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:30",
        ["HelloClient:Resilience:CircuitBreaker:FailureRatio"] = "0.1",
        ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "100",
        ["HelloClient:Resilience:CircuitBreaker:BreakDuration"] = "00:00:05",
    };

    public static IReadOnlyList<OutageConfiguration> All { get; } =
    [
        new("standard handler defaults", "standard", StandardDefaults),
        new("before: ratio budget + breaker at 50 % of attempts", "before", [], FromBaseline: true),
        new("shipped, breaker off: retry budget only", "budget", NoBreaker),
        new("shipped: retry budget + breaker at 100 %", "shipped", []),
    ];

    /// <summary>The rows whose single sequential caller is also measured (the standard defaults' 2 s backoff would take minutes).</summary>
    public static IReadOnlySet<string> Sequential { get; } = new HashSet<string> { "before", "shipped" };
}

/// <param name="FromBaseline">
/// Runs ClientService as built from the baseline checkout (run.sh: the commit before the breaker and
/// budget rework, with its own appsettings.json) instead of this one.
/// </param>
public sealed record OutageConfiguration(string Name, string Key, Dictionary<string, string> Settings, bool FromBaseline = false);
