namespace RetryDemo.Contracts.Faults;

/// <summary>The bounds of every fault setting, the same for the configured profile, operator commands and per-request overrides.</summary>
public static class FaultLimits
{
    public const int MaxFailFirstAttempts = 100;
    public const int MaxFailNextRequests = 10_000;
    public const int MaxRetryAfterSeconds = 3600;
    public const int MaxLatencyMs = 30_000;
    public const int DefaultFailureStatusCode = 503;
    public const int DefaultSlowMs = 1000;

    /// <summary>The statuses HelloService can be told to fail with: client errors a caller can get, and the transient ones.</summary>
    public static IReadOnlyList<int> FailureStatuses { get; } = [400, 404, 408, 429, 500, 502, 503, 504];

    /// <summary>Retry-After is only sent with 429 and 503, the statuses it means something on.</summary>
    public static bool AllowsRetryAfter(int statusCode) => statusCode is 429 or 503;

    public static string RetryAfterNotAllowed(string field, int statusCode) =>
        $"{field} is only sent with 429 or 503, not with {statusCode}.";
}
