using OpenTelemetry.Trace;

namespace RetryDemo.ClientService.Diagnostics;

public static class ClientDiagnosticsExtensions
{
    /// <summary>ClientService's meter and activity source, the processor that tags each attempt's span, and a trace of its own for each outside request.</summary>
    public static IHostApplicationBuilder AddClientDiagnostics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientTelemetry>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new AttemptSpanProcessor()));
        // In Development the caller is the developer (the dashboard, a test, curl), whose trace is worth continuing.
        if (!builder.Environment.IsDevelopment())
        {
            builder.Services.AddSingleton<IHttpContextFactory>(services => new IncomingTraceContext(new DefaultHttpContextFactory(services)));
        }
        return builder;
    }
}
