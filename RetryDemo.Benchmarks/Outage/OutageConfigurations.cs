namespace RetryDemo.Benchmarks.Outage;

/// <summary>ClientService as shipped, re-configured through its command line only — the product code is the same in every row.</summary>
public static class OutageConfigurations
{
    private static readonly Dictionary<string, string> NoBreaker = new()
    {
        // A breaker that never opens, so each row shows what its retry layer alone sends.
        ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000000",
    };

    private static readonly Dictionary<string, string> NoBudget = new() { ["HelloClient:RetryBudget:Enabled"] = "false" };

    private static readonly Dictionary<string, string> StandardDefaults = new()
    {
        // Microsoft.Extensions.Http.Resilience's own defaults, over ClientService's tuned appsettings.
        ["HelloClient:Resilience:Retry:MaxRetryAttempts"] = "3",
        ["HelloClient:Resilience:Retry:Delay"] = "00:00:02",
        ["HelloClient:Resilience:Retry:MaxDelay"] = "00:00:30",
        ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:10",
        ["HelloClient:Resilience:TotalRequestTimeout:Timeout"] = "00:00:30",
        ["HelloClient:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:30",
        ["HelloClient:Resilience:CircuitBreaker:FailureRatio"] = "0.1",
        ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "100",
    };

    public static IReadOnlyList<(string Name, string Key, Dictionary<string, string> Settings)> All { get; } =
    [
        ("no retries (budget of zero)", "none", Merge(NoBreaker, new()
        {
            ["HelloClient:RetryBudget:RetryRatio"] = "0",
            ["HelloClient:RetryBudget:MinRetriesPerSecond"] = "0",
            ["HelloClient:RetryBudget:RefundSuccessfulRetries"] = "false",
        })),
        ("standard handler defaults", "standard", Merge(StandardDefaults, NoBudget, NoBreaker)),
        ("tuned, no budget", "tuned", Merge(NoBudget, NoBreaker)),
        ("tuned + budget, no refunds", "budget-no-refund", Merge(NoBreaker, new() { ["HelloClient:RetryBudget:RefundSuccessfulRetries"] = "false" })),
        ("tuned + budget (shipped budget)", "budget", NoBreaker),
        ("as shipped: tuned + budget + breaker", "shipped", []),
    ];

    private static Dictionary<string, string> Merge(params Dictionary<string, string>[] parts) =>
        parts.SelectMany(p => p).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
}
