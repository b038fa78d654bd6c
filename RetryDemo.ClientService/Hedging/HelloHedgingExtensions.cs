using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.Hedging;

public static class HelloHedgingExtensions
{
    /// <summary>The HttpClient whose pipeline hedges: HelloClient sends GET /hello/hedged's attempts through it.</summary>
    public const string ClientName = "HelloClient.Hedged";

    /// <summary>
    /// The standard hedging handler in place of ServiceDefaults' standard resilience handler, for GET /hello only:
    /// the first attempt, and a hedge beside it once it has run for <see cref="HedgingDelay"/>, or at once when it
    /// fails transiently. Timeouts, breaker and concurrency limit are the retry pipeline's, as configured
    /// (<paramref name="retryPipeline"/>'s options), and the delay never reaches half its attempt timeout; hedges
    /// draw on the retry pipeline's <see cref="RetryBudget"/>.
    /// Nothing but GET goes through it: a hedged write would be two writes in flight.
    /// </summary>
    /// <remarks>
    /// The breaker is the hedging pipeline's own (Polly breakers share no state), and its concurrency limit
    /// counts attempts, not calls: the standard hedging handler puts them per endpoint, inside the hedging.
    /// </remarks>
    /// <param name="retryPipeline">The options name of the retry pipeline whose limits the hedging one takes.</param>
    public static IHttpClientBuilder AddHelloHedging(this IHttpClientBuilder http, string retryPipeline)
    {
        http.Services.AddValidatedOptions<HedgingOptions>(HedgingOptions.SectionName);
        http.Services.TryAddSingleton<HedgingDelay>();
        http.Services.TryAddSingleton<HedgeDecision>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the documented way to replace the default handler.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardHedgingHandler().Configure((options, services) =>
            TakeLimitsOf(services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<HttpStandardResilienceOptions>>().Get(retryPipeline), options));

        // After the handler's own PostConfigure, which sets the generator that clones the request for each hedge.
        http.Services.AddOptions<HttpStandardHedgingResilienceOptions>(http.Name)
            .PostConfigure<HedgeDecision, HedgingDelay, Microsoft.Extensions.Options.IOptions<HedgingOptions>>((options, decision, delay, hedging) =>
            {
                options.Hedging.MaxHedgedAttempts = hedging.Value.MaxHedgedAttempts;
                // A hedge must come before the attempt timeout cuts the attempt it hedges, or it is a retry without a backoff.
                var ceiling = options.Endpoint.Timeout.Timeout / 2;
                options.Hedging.DelayGenerator = _ => ValueTask.FromResult(delay.Current < ceiling ? delay.Current : ceiling);
                options.Hedging.ShouldHandle = args => decision.ShouldHandleAsync(args);
                options.Hedging.ActionGenerator = decision.Guard(options.Hedging.ActionGenerator);
            });

        http.Services.AddTransient<AttemptRecordingHandler>();
        http.AddHttpMessageHandler<AttemptRecordingHandler>();
        return http.MovePipelineToTheFront();
    }

    private static void TakeLimitsOf(HttpStandardResilienceOptions retry, HttpStandardHedgingResilienceOptions options)
    {
        options.TotalRequestTimeout.Timeout = retry.TotalRequestTimeout.Timeout;
        options.Endpoint.Timeout.Timeout = retry.AttemptTimeout.Timeout;
        options.Endpoint.RateLimiter.DefaultRateLimiterOptions.PermitLimit = retry.RateLimiter.DefaultRateLimiterOptions.PermitLimit;
        options.Endpoint.RateLimiter.DefaultRateLimiterOptions.QueueLimit = retry.RateLimiter.DefaultRateLimiterOptions.QueueLimit;
        options.Endpoint.CircuitBreaker.SamplingDuration = retry.CircuitBreaker.SamplingDuration;
        options.Endpoint.CircuitBreaker.FailureRatio = retry.CircuitBreaker.FailureRatio;
        options.Endpoint.CircuitBreaker.MinimumThroughput = retry.CircuitBreaker.MinimumThroughput;
        options.Endpoint.CircuitBreaker.BreakDuration = retry.CircuitBreaker.BreakDuration;
    }
}
