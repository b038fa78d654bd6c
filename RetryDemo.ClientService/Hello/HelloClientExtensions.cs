using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.Hello;

public static class HelloClientExtensions
{
    public static IHostApplicationBuilder AddHelloClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HelloClientOptions>()
            .BindConfiguration(HelloClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddClientDiagnostics();
        builder.Services.AddHttpClient<HelloClient>((services, http) =>
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<HelloClientOptions>>().Value.BaseAddress))
            .AddHelloResilience(builder.Configuration.GetSection(HelloClientOptions.SectionName));

        return builder;
    }
}
