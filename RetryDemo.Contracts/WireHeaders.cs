namespace RetryDemo.Contracts;

/// <summary>The headers ClientService and HelloService exchange, spelled once.</summary>
public static class WireHeaders
{
    /// <summary>The logical call's id, the same on every attempt.</summary>
    public const string RequestId = "X-Request-Id";

    /// <summary>Unlocks fault controls (operator endpoints and the per-request <c>X-Fault-*</c> headers).</summary>
    public const string FaultControlKey = "X-Fault-Control-Key";

    /// <summary>Makes an unsafe request safe to retry: the server replays instead of repeating.</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    public const string FaultFailFirst = "X-Fault-Fail-First";
    public const string FaultRate = "X-Fault-Rate";
    public const string FaultStatus = "X-Fault-Status";
    public const string FaultRetryAfter = "X-Fault-Retry-After";
    public const string FaultLatencyMs = "X-Fault-Latency-Ms";
    public const string FaultHang = "X-Fault-Hang";
    public const string FaultCommitFailRate = "X-Fault-Commit-Fail-Rate";
    public const string FaultCommitDelayRate = "X-Fault-Commit-Delay-Rate";
    public const string FaultCommitDelayMs = "X-Fault-Commit-Delay-Ms";
    public const string FaultSeed = "X-Fault-Seed";
}
