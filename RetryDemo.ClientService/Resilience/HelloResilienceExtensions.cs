using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace RetryDemo.ClientService.Resilience;

public static class HelloResilienceExtensions
{
    /// <summary>
    /// Replaces the ServiceDefaults' standard handler with the tuned one, so exactly one pipeline
    /// runs (two would nest and multiply attempts). Defaults come from <see cref="HelloResilienceDefaults"/>,
    /// then <paramref name="helloClient"/>'s <c>Resilience</c> child overrides them; every retry decision
    /// is <see cref="RetryDecision"/>'s, drawing on a <see cref="RetryBudget"/> (its <c>RetryBudget</c> child).
    /// </summary>
    /// <remarks>
    /// One pipeline, and so one breaker, for the client: it is named after the client, so it shares
    /// nothing with other clients (ServiceDefaults keys its shared default pipeline by authority for
    /// that), and HelloService has one address (Aspire's proxy, Azure Container Apps' ingress).
    /// Keying by authority as well would add two dictionary lookups to every call (measured in
    /// docs/benchmarks.md) for a split that never happens.
    /// </remarks>
    public static IHttpClientBuilder AddHelloResilience(this IHttpClientBuilder http, IConfigurationSection helloClient)
    {
        AddRetryOptions(http.Services, helloClient);
        AddTunedPipeline(http, helloClient);
        QuietenPollysAttemptEvents(http.Services);

        // Inside the pipeline, so it sees (and records) every attempt.
        http.Services.AddTransient<AttemptRecordingHandler>();
        http.AddHttpMessageHandler<AttemptRecordingHandler>();
        return http.MovePipelineToTheFront();
    }

    private static void AddRetryOptions(IServiceCollection services, IConfigurationSection helloClient)
    {
        services.AddOptions<RetryBudgetOptions>()
            .Bind(helloClient.GetSection("RetryBudget"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<RetryAfterOptions>()
            .Bind(helloClient)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RetryBudget>();
    }

    private static void AddTunedPipeline(IHttpClientBuilder http, IConfigurationSection helloClient)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the documented way to replace the default handler.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        var pipeline = http.AddStandardResilienceHandler(HelloResilienceDefaults.Apply);
        if (helloClient.GetSection("Resilience") is { } section && section.Exists())
        {
            pipeline.Configure(section);
        }

        pipeline.Configure((options, services) =>
        {
            // Resolved at the first retry decision, so a bad RetryBudget section is reported once, by its own validation.
            var decision = new Lazy<RetryDecision>(() => new RetryDecision(
                services.GetRequiredService<RetryBudget>(),
                options,
                services.GetRequiredService<IOptions<RetryAfterOptions>>().Value.MaxRetryAfter,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<RetryDecision>>()));
            options.Retry.ShouldHandle = args => decision.Value.ShouldRetryAsync(args);
        });
    }

    /// <summary>
    /// Polly logs every attempt's events itself (a shed call and a timed-out attempt at Error, a retry and a
    /// hedge at Warning, each failed attempt with its stack trace): under overload a few records per call, paid by the
    /// overloaded process. Each is already told once: an attempt by AttemptRecordingHandler's line, a shed call
    /// by its 503 and the failures counter (rate_limited). Breaker state changes keep their level.
    /// </summary>
    private static void QuietenPollysAttemptEvents(IServiceCollection services) =>
        services.Configure<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Event.EventName is "OnRateLimiterRejected" or "OnTimeout" or "OnRetry" or "OnHedging" or "ExecutionAttempt"
                ? ResilienceEventSeverity.Debug
                : previous?.Invoke(args) ?? args.Event.Severity;
        });

    /// <summary>
    /// RemoveAllResilienceHandlers leaves ServiceDefaults' service discovery handler where it was, and
    /// AddStandardResilienceHandler appends: the pipeline would sit inside discovery, which would then pick
    /// HelloService's endpoint once per call and every retry would go back to it. Ours go back to the front,
    /// where the default pipeline was, so each attempt resolves an endpoint of its own.
    /// </summary>
    public static IHttpClientBuilder MovePipelineToTheFront(this IHttpClientBuilder http) =>
        http.ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
        {
            var ours = handlers.Where(handler => handler is ResilienceHandler or AttemptRecordingHandler).ToList();
            foreach (var handler in ours)
            {
                handlers.Remove(handler);
            }

            for (var i = 0; i < ours.Count; i++)
            {
                handlers.Insert(i, ours[i]);
            }
        });
}
