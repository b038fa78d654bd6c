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

    /// <summary>
    /// On a commit check's 404: the request (its <see cref="RequestId"/>) the check closed the key to. A 404 without
    /// it (a replica from before closings, a proxy's own 404) closed nothing, so it does not say "not committed".
    /// </summary>
    public const string ClosedRequestId = "X-Closed-Request-Id";

    /// <summary>Which HelloService replica answered (opaque outside Development), on every answer, errors included.</summary>
    public const string Instance = "X-Instance";

    // The per-request X-Fault-* headers are in Faults/FaultSettings, each beside its query name and rule.
}
