namespace RetryDemo.Contracts.Faults;

/// <summary>Every per-request fault setting, written once: adding one here is the contract's whole edit.</summary>
public static class FaultSettings
{
    public static readonly FaultSetting FailFirst = new("failFirst", "X-Fault-Fail-First", "FailFirstAttempts", FaultValueKind.WholeNumber,
        FaultLimits.MaxFailFirstAttempts, "Fail attempts 1..N of this logical request (counted per X-Request-Id).");

    public static readonly FaultSetting FailStatus = new("failStatus", "X-Fault-Status", "FailureStatusCode", FaultValueKind.FailureStatus, 0,
        "Status of a failing attempt.");

    public static readonly FaultSetting FailureRate = new("failureRate", "X-Fault-Rate", "FailureRate", FaultValueKind.Probability, 1,
        "Fail each attempt with this probability.");

    public static readonly FaultSetting RetryAfter = new("retryAfter", "X-Fault-Retry-After", "RetryAfterSeconds", FaultValueKind.WholeNumber,
        FaultLimits.MaxRetryAfterSeconds, "Retry-After seconds on a failing 429 or 503.");

    public static readonly FaultSetting LatencyMs = new("latencyMs", "X-Fault-Latency-Ms", "LatencyMs", FaultValueKind.WholeNumber,
        FaultLimits.MaxLatencyMs, "Latency added to every reply, in milliseconds.");

    public static readonly FaultSetting SlowRate = new("slowRate", "X-Fault-Slow-Rate", "SlowRate", FaultValueKind.Probability, 1,
        "Make each attempt slowMs slower with this probability: a slow tail, which hedging answers and retrying cannot.");

    public static readonly FaultSetting SlowMs = new("slowMs", "X-Fault-Slow-Ms", "SlowMs", FaultValueKind.WholeNumber,
        FaultLimits.MaxLatencyMs, "How much slower such an attempt is, in milliseconds (1,000 unless given).");

    public static readonly FaultSetting Hang = new("hang", "X-Fault-Hang", "Hang", FaultValueKind.Boolean, 1,
        "A failing attempt hangs until the caller gives up.");

    public static readonly FaultSetting CommitFailRate = new("commitFailRate", "X-Fault-Commit-Fail-Rate", "CommitFailRate", FaultValueKind.Probability, 1,
        "A write is committed, then answered 503 (a lost reply), with this probability.");

    public static readonly FaultSetting CommitDelayRate = new("commitDelayRate", "X-Fault-Commit-Delay-Rate", "CommitDelayRate", FaultValueKind.Probability, 1,
        "A write is committed, then answered late, with this probability.");

    public static readonly FaultSetting CommitDelayMs = new("commitDelayMs", "X-Fault-Commit-Delay-Ms", "CommitDelayMs", FaultValueKind.WholeNumber,
        FaultLimits.MaxLatencyMs, "How late such a reply is, in milliseconds.");

    public static readonly FaultSetting Seed = new("seed", "X-Fault-Seed", "Seed", FaultValueKind.WholeNumber, int.MaxValue,
        "Makes this request's random failures and slow attempts repeatable: attempt n fails when a hash of (seed, n) is below the rate, on any replica, in any run.");

    public static IReadOnlyList<FaultSetting> All { get; } =
        [FailFirst, FailStatus, FailureRate, RetryAfter, LatencyMs, SlowRate, SlowMs, Hang, CommitFailRate, CommitDelayRate, CommitDelayMs, Seed];
}
