using RetryDemo.ClientService.Resilience;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Extensions.Http;
using RetryDemo.ClientService.Hello;

namespace RetryDemo.Benchmarks;

/// <summary>
/// Happy-path cost per call of each HttpClient pipeline over a stub handler that answers 200 at once
/// (no network), side by side in one run: what resilience costs when nothing fails.
/// </summary>
[MemoryDiagnoser]
public class PipelineOverheadBenchmarks
{
    private static readonly Uri Address = new("http://hello.test/hello");
    private ServiceProvider _services = null!;
    private HttpClient _bare = null!;
    private HttpClient _legacyPolly = null!;
    private HttpClient _standard = null!;
    private HttpClient _tuned = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpClient("bare").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        services.AddHttpClient("legacy-polly")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler())
            .AddPolicyHandler(HttpPolicyExtensions.HandleTransientHttpError()
                .WaitAndRetryAsync(4, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1))));
        services.AddHttpClient("standard")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler())
            .AddStandardResilienceHandler();
        services.AddHttpClient("tuned")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler())
            .AddHelloResilience(new ConfigurationBuilder().Build().GetSection("none"));
        services.AddOptions<HelloClientOptions>();
        _services = services.BuildServiceProvider();

        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _bare = factory.CreateClient("bare");
        _legacyPolly = factory.CreateClient("legacy-polly");
        _standard = factory.CreateClient("standard");
        _tuned = factory.CreateClient("tuned");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "bare HttpClient")]
    public Task<HttpStatusCode> Bare() => SendAsync(_bare);

    [Benchmark(Description = "hand-written retry loop (baseline, not for production)")]
    public async Task<HttpStatusCode> HandWrittenLoop()
    {
        // Explicitly labelled baseline: the seed demos' loop, for comparison only.
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _bare.GetAsync(Address);
            if ((int)response.StatusCode < 500 || attempt == 5)
            {
                return response.StatusCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1)));
        }
    }

    [Benchmark(Description = "legacy Polly v7 (AddPolicyHandler)")]
    public Task<HttpStatusCode> LegacyPolly() => SendAsync(_legacyPolly);

    [Benchmark(Description = "standard resilience handler (defaults)")]
    public Task<HttpStatusCode> Standard() => SendAsync(_standard);

    [Benchmark(Description = "tuned pipeline (RetryDemo)")]
    public Task<HttpStatusCode> Tuned() => SendAsync(_tuned);

    private static async Task<HttpStatusCode> SendAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Address);
        return response.StatusCode;
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
