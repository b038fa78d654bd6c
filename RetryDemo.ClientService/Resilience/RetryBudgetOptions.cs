using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The <c>HelloClient:RetryBudget</c> section: how many retries ClientService may send HelloService,
/// relative to the first attempts it sends. Defaults and their reasons are in <see cref="RetryBudgetDefaults"/>.
/// </summary>
public sealed class RetryBudgetOptions
{
    public const string SectionName = "HelloClient:RetryBudget";

    /// <summary>False sends every retry the retry strategy asks for (the standard handler's behaviour).</summary>
    public bool Enabled { get; set; } = RetryBudgetDefaults.Enabled;

    /// <summary>Retries allowed per first attempt in the window: 0.1 means at most one retry per ten requests.</summary>
    [Range(0.0, 10.0)]
    public double RetryRatio { get; set; } = RetryBudgetDefaults.RetryRatio;

    /// <summary>How far back first attempts and retries are counted.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Window { get; set; } = RetryBudgetDefaults.Window;

    /// <summary>Retries each good answer from HelloService earns: retries go on while they keep working, and stop when nothing works.</summary>
    [Range(0.0, 10.0)]
    public double RetriesPerSuccess { get; set; } = RetryBudgetDefaults.RetriesPerSuccess;

    /// <summary>Retries per second allowed whatever the traffic, so a quiet client can still retry.</summary>
    [Range(0.0, 1000.0)]
    public double MinRetriesPerSecond { get; set; } = RetryBudgetDefaults.MinRetriesPerSecond;

    /// <summary>A retry that succeeds gives its share back: the budget then limits retries that fail, the ones that add load to a failing service.</summary>
    public bool RefundSuccessfulRetries { get; set; } = RetryBudgetDefaults.RefundSuccessfulRetries;
}

/// <summary>
/// The shipped retry budget. The window and ratio follow Finagle's RetryBudget and the SRE book's
/// per-client budget; the refund of successful retries follows the AWS SDKs' retry quota.
/// </summary>
public static class RetryBudgetDefaults
{
    public const bool Enabled = true;

    /// <summary>
    /// One retry per ten first attempts: when HelloService is down, what reaches it grows to ≈ 1.1×
    /// the request rate instead of up to 5× (the tuned pipeline's attempts per call).
    /// </summary>
    public const double RetryRatio = 0.1;

    /// <summary>
    /// One retry per good answer: at 50 % random failures a call needs ≈ 0.5 failed retries and earns
    /// ≈ 1, so retries keep absorbing the faults (≈ 97 % of calls succeed); when HelloService is down
    /// nothing earns retries, and they fall to <see cref="RetryRatio"/>. Like gRPC's retry throttling,
    /// success pays for retries; unlike it, the ratio and the minimum rate still bound them.
    /// </summary>
    public const double RetriesPerSuccess = 1;

    /// <summary>Long enough to smooth bursts, short enough that the budget recovers soon after an outage.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>One retry a second: a person clicking through the seed scenario never meets the budget.</summary>
    public const double MinRetriesPerSecond = 1;

    /// <summary>
    /// On: with 20 % of attempts failing at random, only ≈ 0.05 retries per request fail, well inside
    /// the ratio, so retries are not starved when most of them work. Off, the same faults need ≈ 0.25
    /// retries per request and a 0.1 budget would turn ≈ 4 % of requests into failures.
    /// </summary>
    public const bool RefundSuccessfulRetries = true;
}
