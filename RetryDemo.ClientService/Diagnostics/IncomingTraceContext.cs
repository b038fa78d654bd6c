using Microsoft.AspNetCore.Http.Features;

namespace RetryDemo.ClientService.Diagnostics;

/// <summary>
/// ClientService is the public edge, so an outside caller's trace context is not trusted: every request
/// starts a trace of its own, and the caller's baggage goes nowhere. The propagation headers are dropped
/// as the request's context is created, before ASP.NET Core and OpenTelemetry read them to start the
/// server span; removing them later would be too late, and a custom propagator would not reach
/// OpenTelemetry's own extraction. Inside the app, ClientService's trace continues into HelloService as usual.
/// Outside Development only (see <see cref="ClientDiagnosticsExtensions"/>).
/// </summary>
public sealed class IncomingTraceContext(IHttpContextFactory inner) : IHttpContextFactory
{
    /// <summary>W3C Trace Context and Baggage, and their pre-W3C forms.</summary>
    private static readonly string[] Headers = ["traceparent", "tracestate", "baggage", "Correlation-Context", "Request-Id"];

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var request = featureCollection.Get<IHttpRequestFeature>();
        if (request is not null)
        {
            foreach (var header in Headers)
            {
                request.Headers.Remove(header);
            }
        }

        return inner.Create(featureCollection);
    }

    public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);
}
