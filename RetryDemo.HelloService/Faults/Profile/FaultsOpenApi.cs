using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults.Profile;

/// <summary>
/// Documents the fault headers, which a filter reads (so the OpenAPI generator cannot see them): the
/// per-request <c>X-Fault-*</c> overrides and the fault-control key.
/// </summary>
public static class FaultsOpenApi
{
    private const string KeyDescription =
        "Unlocks fault controls (required outside Development, and for the X-Fault-* headers when a key is configured).";

    /// <summary>Marks an endpoint whose fault filter reads the per-request headers.</summary>
    public static RouteHandlerBuilder AcceptsFaultHeaders(this RouteHandlerBuilder endpoint)
    {
        endpoint.ReadsHeader(WireHeaders.RequestId,
            "The logical call's id, the same on every attempt; fail-first counts attempts per id. A malformed one is ignored, unless X-Fault-Fail-First needs it.");
        foreach (var setting in FaultSettings.All)
        {
            endpoint.ReadsHeader(setting.Header, setting.Documentation, setting.ValueType);
        }

        return endpoint.RequiresFaultControlKey();
    }

    /// <summary>Marks endpoints (or a group) locked by the fault-control key.</summary>
    public static TBuilder RequiresFaultControlKey<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.ReadsHeader(WireHeaders.FaultControlKey, KeyDescription);
}
