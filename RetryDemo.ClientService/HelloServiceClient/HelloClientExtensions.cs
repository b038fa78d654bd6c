using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.ClientService.Hedging;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.HelloServiceClient;

public static class HelloClientExtensions
{
    public static IHostApplicationBuilder AddHelloClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HelloClientOptions>(HelloClientOptions.SectionName);

        builder.AddClientDiagnostics();
        builder.Services.TryAddSingleton<HangUpDrains>();
        static Uri BaseAddress(IServiceProvider services) => new(services.GetRequiredService<IOptions<HelloClientOptions>>().Value.BaseAddress);
        var hello = builder.Services.AddHttpClient<HelloClient>((services, http) => http.BaseAddress = BaseAddress(services))
            .FollowingNoRedirects()
            .AddHelloResilience(builder.Configuration.GetSection(HelloClientOptions.SectionName));
        // The standard handler names its options after the client: "HelloClient-standard".
        builder.Services.AddHttpClient(HelloHedgingExtensions.ClientName, (services, http) => http.BaseAddress = BaseAddress(services))
            .FollowingNoRedirects()
            .AddHelloHedging(retryPipeline: $"{hello.Name}-standard");
        CommitLookup.AddTo(builder.Services, BaseAddress);

        return builder;
    }

    /// <summary>A redirect from HelloService is a failure to report, never a hop to follow: the request may carry the fault-control key.</summary>
    public static IHttpClientBuilder FollowingNoRedirects(this IHttpClientBuilder client) =>
        client.ConfigurePrimaryHttpMessageHandler((handler, _) =>
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler classic:
                    classic.AllowAutoRedirect = false;
                    break;
            }
        });
}
