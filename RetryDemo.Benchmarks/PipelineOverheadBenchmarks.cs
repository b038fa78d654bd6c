using RetryDemo.ClientService.Resilience;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Extensions.Http;

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
    private HttpClient _standardByAuthority = null!;
    private HttpClient _standardWithTunedValues = null!;
    private HttpClient _standardWithPassThrough = null!;

    private readonly OkResponses _responses = new();

    [Params(false, true)]
    public bool AsyncPrimary { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddHttpClient("bare").ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary));
        services.AddHttpClient("legacy-polly")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary))
            .AddPolicyHandler(HttpPolicyExtensions.HandleTransientHttpError()
                .WaitAndRetryAsync(4, attempt => TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1))));
        services.AddHttpClient("standard")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary))
            .AddStandardResilienceHandler();
        services.AddHttpClient("tuned")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary))
            .AddHelloResilience(new ConfigurationBuilder().Build().GetSection("none"));
        services.AddHttpClient("standard-by-authority")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary))
            .AddStandardResilienceHandler().SelectPipelineByAuthority();
        services.AddHttpClient("standard-with-tuned-values")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary))
            .AddStandardResilienceHandler(HelloResilienceDefaults.Apply);
        var withPassThrough = services.AddHttpClient("standard-with-pass-through")
            .ConfigurePrimaryHttpMessageHandler(() => new OkHandler(_responses, AsyncPrimary));
        withPassThrough.AddStandardResilienceHandler();
        withPassThrough.AddHttpMessageHandler(() => new PassThroughHandler()); // inside the pipeline, where the attempt recorder sits
        _services = services.BuildServiceProvider();

        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _bare = factory.CreateClient("bare");
        _legacyPolly = factory.CreateClient("legacy-polly");
        _standard = factory.CreateClient("standard");
        _tuned = factory.CreateClient("tuned");
        _standardByAuthority = factory.CreateClient("standard-by-authority");
        _standardWithTunedValues = factory.CreateClient("standard-with-tuned-values");
        _standardWithPassThrough = factory.CreateClient("standard-with-pass-through");
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>The pipelines the tables compare, by the names they use (after <see cref="Setup"/>).</summary>
    public IReadOnlyList<(string Name, Func<Task<HttpStatusCode>> Call)> Compared =>
    [
        ("bare", Bare),
        ("legacy Polly v7", LegacyPolly),
        ("standard", Standard),
        ("tuned", Tuned),
    ];

    /// <summary>
    /// The tuned pipeline taken apart, for the paired run: the standard handler with RetryDemo's values
    /// alone (no predicate of ours, no handler), and with one handler inside that passes every request on
    /// (the attempt recorder's hop without its check). Tuned minus both is RetryDecision and that check.
    /// </summary>
    public IReadOnlyList<(string Name, Func<Task<HttpStatusCode>> Call)> TunedParts =>
    [
        ("standard with RetryDemo's values", () => SendAsync(_standardWithTunedValues)),
        ("standard + a pass-through handler", () => SendAsync(_standardWithPassThrough)),
    ];

    [Benchmark(Baseline = true, Description = "bare HttpClient")]
    public Task<HttpStatusCode> Bare() => SendAsync(_bare);

    [Benchmark(Description = "hand-written retry loop (baseline, not for production)")]
    public async Task<HttpStatusCode> HandWrittenLoop()
    {
        // Explicitly labelled baseline: the seed demos' loop, for comparison only.
        for (var attempt = 1; ; attempt++)
        {
            var status = await SendAsync(_bare);
            if ((int)status < 500 || attempt == 5)
            {
                return status;
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

    [Benchmark(Description = "standard, one pipeline per authority (ServiceDefaults)")]
    public Task<HttpStatusCode> StandardByAuthority() => SendAsync(_standardByAuthority);

    /// <summary>
    /// The tuned pipeline as HelloClient's calls use it: the request carries an <see cref="AttemptLog"/>,
    /// so the attempt is timed, recorded and offered to the log (at Debug, off here). That is a feature
    /// of the call, not of the pipeline, and is reported beside it.
    /// </summary>
    [Benchmark(Description = "tuned, recording the attempt (HelloClient's calls)")]
    public Task<HttpStatusCode> TunedRecorded() =>
        // Not disposed, like GetAsync's own request: it has no content, and an await here would add a state machine the other rows lack.
        AnswerAsync(_tuned.SendAsync(new AttemptLoggedRequest(HttpMethod.Get, Address.OriginalString, new AttemptLog("benchmark", TimeProvider.System, CancellationToken.None))));

    private Task<HttpStatusCode> SendAsync(HttpClient client) => AnswerAsync(client.GetAsync(Address));

    private async Task<HttpStatusCode> AnswerAsync(Task<HttpResponseMessage> call)
    {
        // An asynchronous answer completes here, on this thread, after every layer has suspended:
        // each pipeline's async cost without a thread-pool hop's noise.
        _responses.CompletePending(AsyncPrimary);
        using var response = await call;
        return response.StatusCode;
    }

    private sealed class PassThroughHandler : DelegatingHandler;

    private sealed class OkResponses
    {
        private TaskCompletionSource<HttpResponseMessage>? _pending;
        private HttpRequestMessage? _request;

        // One call at a time, and every layer reaches the stub before GetAsync returns; a pipeline that
        // queued or duplicated the call would break that, and must fail the benchmark, not hang it.
        public Task<HttpResponseMessage> Next(HttpRequestMessage request)
        {
            if (_pending is not null)
            {
                throw new InvalidOperationException("A second call reached the stub while one was pending.");
            }

            _request = request;
            _pending = new TaskCompletionSource<HttpResponseMessage>();
            return _pending.Task;
        }

        public void CompletePending(bool asynchronous)
        {
            if (!asynchronous)
            {
                return;
            }

            var pending = _pending ?? throw new InvalidOperationException("The call had not reached the stub when GetAsync returned.");
            _pending = null;
            pending.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = _request });
        }
    }

    private sealed class OkHandler(OkResponses responses, bool asynchronous) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            asynchronous ? responses.Next(request) : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
    }
}
