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

    /// <summary>Which HelloService replica answered (opaque outside Development), on every answer, errors included.</summary>
    public const string Instance = "X-Instance";

    // The per-request X-Fault-* headers are in Faults/FaultSettings, each beside its query name and rule.
}
