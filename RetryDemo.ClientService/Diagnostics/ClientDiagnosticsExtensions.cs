using OpenTelemetry.Trace;

namespace RetryDemo.ClientService.Diagnostics;

public static class ClientDiagnosticsExtensions
{
    /// <summary>ClientService's meter and activity source, and the processor that tags each attempt's span.</summary>
    public static IHostApplicationBuilder AddClientDiagnostics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientTelemetry>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new AttemptSpanProcessor()));
        return builder;
    }
}
