using RetryDemo.ClientService.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Benchmarks.LoopbackClient;

/// <summary>
/// One endpoint per HttpClient pipeline under comparison. Each forwards GET /hello to HelloService
/// through its own named client, so they differ only in the handlers between.
/// </summary>
public static class PipelineEndpoints
{
    /// <summary>Plain HttpClient: the baseline.</summary>
    public const string Bare = "bare";

    /// <summary>Microsoft.Extensions.Http.Polly (Polly v7) wait-and-retry, as in the micro benchmark.</summary>
    public const string LegacyPolly = "polly-v7";

    /// <summary>The standard resilience handler with its defaults, as ServiceDefaults gives every client.</summary>
    public const string Standard = "standard";

    /// <summary>RetryDemo's own pipeline, exactly as ClientService registers it.</summary>
    public const string Tuned = "tuned";

    public static IReadOnlyList<string> All { get; } = [Bare, LegacyPolly, Standard, Tuned];

    public static IHostApplicationBuilder AddPipelineClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HelloClientOptions>(HelloClientOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddHttpClient(Bare, UseHelloAddress);
        builder.Services.AddHttpClient(LegacyPolly, UseHelloAddress)
            .AddTransientHttpErrorPolicy(policy =>
                policy.WaitAndRetryAsync(4, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1))));
        builder.Services.AddHttpClient(Standard, UseHelloAddress)
            .AddStandardResilienceHandler();
        builder.Services.AddHttpClient(Tuned, UseHelloAddress)
            .AddHelloResilience(builder.Configuration.GetSection(HelloClientOptions.SectionName));
        builder.Services.AddSingleton<ForwardedRequests>();

        return builder;
    }

    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var pipeline in All)
        {
            app.MapGet($"/{pipeline}", (IHttpClientFactory clients, ForwardedRequests forwarded, CancellationToken cancellationToken) =>
            {
                forwarded.Increment();
                return ForwardHelloAsync(clients.CreateClient(pipeline), cancellationToken);
            });
        }

        // What this process has spent so far: the experiment reads it before and after each run.
        app.MapGet("/stats", (ForwardedRequests forwarded) =>
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return Results.Ok(new HostStats(forwarded.Count, process.TotalProcessorTime.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true)));
        });

        return app;
    }

    private static void UseHelloAddress(IServiceProvider services, HttpClient http) =>
        http.BaseAddress = new Uri(services.GetRequiredService<IOptions<HelloClientOptions>>().Value.BaseAddress);

    private static async Task<IResult> ForwardHelloAsync(HttpClient hello, CancellationToken cancellationToken)
    {
        using var response = await hello.GetAsync("/hello", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return Results.Content(body, response.Content.Headers.ContentType?.ToString(), statusCode: (int)response.StatusCode);
    }
}
