namespace RetryDemo.Benchmarks.Outage;

/// <summary>ClientService as shipped, re-configured through its environment only — the product code is the same in every row.</summary>
public static class OutageConfigurations
{
    private static readonly Dictionary<string, string> NoBreaker = new()
    {
        // A breaker that never opens, so each row shows what its retry layer alone sends.
        ["HelloClient__Resilience__CircuitBreaker__MinimumThroughput"] = "1000000",
    };

    private static readonly Dictionary<string, string> NoBudget = new() { ["HelloClient__RetryBudget__Enabled"] = "false" };

    private static readonly Dictionary<string, string> StandardDefaults = new()
    {
        // Microsoft.Extensions.Http.Resilience's own defaults, over ClientService's tuned appsettings.
        ["HelloClient__Resilience__Retry__MaxRetryAttempts"] = "3",
        ["HelloClient__Resilience__Retry__Delay"] = "00:00:02",
        ["HelloClient__Resilience__Retry__MaxDelay"] = "00:00:30",
        ["HelloClient__Resilience__AttemptTimeout__Timeout"] = "00:00:10",
        ["HelloClient__Resilience__TotalRequestTimeout__Timeout"] = "00:00:30",
        ["HelloClient__Resilience__CircuitBreaker__SamplingDuration"] = "00:00:30",
        ["HelloClient__Resilience__CircuitBreaker__FailureRatio"] = "0.1",
        ["HelloClient__Resilience__CircuitBreaker__MinimumThroughput"] = "100",
    };

    public static IReadOnlyList<(string Name, string Key, Dictionary<string, string> Environment)> All { get; } =
    [
        ("no retries (budget of zero)", "none", Merge(NoBreaker, new()
        {
            ["HelloClient__RetryBudget__RetryRatio"] = "0",
            ["HelloClient__RetryBudget__MinRetriesPerSecond"] = "0",
            ["HelloClient__RetryBudget__RefundSuccessfulRetries"] = "false",
        })),
        ("standard handler defaults", "standard", Merge(StandardDefaults, NoBudget, NoBreaker)),
        ("tuned, no budget", "tuned", Merge(NoBudget, NoBreaker)),
        ("tuned + budget, no refunds", "budget-no-refund", Merge(NoBreaker, new() { ["HelloClient__RetryBudget__RefundSuccessfulRetries"] = "false" })),
        ("tuned + budget (shipped budget)", "budget", NoBreaker),
        ("as shipped: tuned + budget + breaker", "shipped", []),
    ];

    private static Dictionary<string, string> Merge(params Dictionary<string, string>[] parts) =>
        parts.SelectMany(p => p).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
}
