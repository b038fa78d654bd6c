using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Polly;
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

        builder.Services.AddTransient<AttemptRecordingHandler>();
        builder.Services.AddSingleton<ClientTelemetry>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new AttemptSpanProcessor()));

        builder.Services.AddHttpClient<HelloClient>((services, http) =>
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<HelloClientOptions>>().Value.BaseAddress))
            .AddHelloResilience(builder.Configuration.GetSection(HelloClientOptions.SectionName))
            .AddHttpMessageHandler<AttemptRecordingHandler>();

        return builder;
    }

    /// <summary>
    /// Replaces the ServiceDefaults' standard handler with the tuned one, so exactly one pipeline
    /// runs (two would nest and multiply attempts). Defaults come from <see cref="HelloResilienceDefaults"/>,
    /// then <paramref name="helloClient"/>'s <c>Resilience</c> child overrides them; one pipeline (and
    /// breaker) per HelloService authority; a Retry-After beyond the call's budget ends the call (see
    /// <see cref="RetryAfterBudget"/>); retries draw on a <see cref="RetryBudget"/> (its <c>RetryBudget</c> child).
    /// </summary>
    public static IHttpClientBuilder AddHelloResilience(this IHttpClientBuilder http, IConfigurationSection helloClient)
    {
        http.Services.AddOptions<RetryBudgetOptions>()
            .Bind(helloClient.GetSection("RetryBudget"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        http.Services.TryAddSingleton(TimeProvider.System);
        http.Services.TryAddSingleton<RetryBudget>();
        http.Services.TryAddSingleton<RetryBudgetGate>();

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
            // Never retry an unsafe request without an idempotency key, nor into a Retry-After the call
            // can't wait for, nor beyond the retry budget; every other decision stays the standard handler's.
            var timeProvider = services.GetRequiredService<TimeProvider>();
            var cap = services.GetRequiredService<IOptions<HelloClientOptions>>().Value.MaxRetryAfter;
            // Resolved at the first retry decision, so a bad RetryBudget section is reported once, by its own validation.
            var budgetGate = new Lazy<RetryBudgetGate>(services.GetRequiredService<RetryBudgetGate>);
            var isTransient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = async args =>
            {
#pragma warning disable EXTEXP0001 // GetRequestMessage is experimental; it is how a predicate sees the request when there is no response.
                var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
#pragma warning restore EXTEXP0001
                budgetGate.Value.Observe(args);
                if (!UnsafeMethodRetry.IsAllowed(request)
                    || (args.Outcome.Result is { } response && RetryAfterBudget.Exceeds(response, options.TotalRequestTimeout.Timeout, cap, timeProvider))
                    || !await isTransient(args))
                {
                    return false;
                }

                // After its last attempt Polly stops whatever this says, so that outcome costs no budget.
                return args.AttemptNumber >= options.Retry.MaxRetryAttempts || budgetGate.Value.AllowRetry(args, request);
            };
        });

        pipeline.SelectPipelineByAuthority();
        return http;
    }
}
