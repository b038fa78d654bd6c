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
    public const string ResilienceSection = $"{HelloClientOptions.SectionName}:Resilience";

    public static IHostApplicationBuilder AddHelloClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HelloClientOptions>()
            .BindConfiguration(HelloClientOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddTransient<AttemptRecordingHandler>();
        builder.Services.AddSingleton<ClientTelemetry>();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new AttemptSpanProcessor()));

        builder.Services.AddHttpClient<HelloClient>((services, http) =>
                http.BaseAddress = new Uri(services.GetRequiredService<IOptions<HelloClientOptions>>().Value.BaseAddress))
            .AddHelloResilience(builder.Configuration.GetSection(ResilienceSection))
            .AddHttpMessageHandler<AttemptRecordingHandler>();

        return builder;
    }

    /// <summary>
    /// Replaces the ServiceDefaults' standard handler with the tuned one, so exactly one pipeline
    /// runs (two would nest and multiply attempts). Defaults come from <see cref="HelloResilienceDefaults"/>,
    /// then configuration overrides them; one pipeline (and breaker) per HelloService authority; a
    /// Retry-After beyond the budget ends the call (see <see cref="RetryAfterBudget"/>).
    /// </summary>
    public static IHttpClientBuilder AddHelloResilience(this IHttpClientBuilder http, IConfigurationSection section)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the documented way to replace the default handler.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        var pipeline = http.AddStandardResilienceHandler(HelloResilienceDefaults.Apply);
        if (section.Exists())
        {
            pipeline.Configure(section);
        }

        pipeline.Configure((options, services) =>
        {
            // Never retry an unsafe request without an idempotency key, nor into a Retry-After the budget
            // can't cover; every other decision stays the standard handler's.
            var timeProvider = services.GetRequiredService<TimeProvider>();
            var cap = services.GetRequiredService<IOptions<HelloClientOptions>>().Value.MaxRetryAfter;
            var isTransient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = args =>
            {
#pragma warning disable EXTEXP0001 // GetRequestMessage is experimental; it is how a predicate sees the request when there is no response.
                var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
#pragma warning restore EXTEXP0001
                if (!UnsafeMethodRetry.IsAllowed(request)
                    || (args.Outcome.Result is { } response && RetryAfterBudget.Exceeds(response, options.TotalRequestTimeout.Timeout, cap, timeProvider)))
                {
                    return Polly.PredicateResult.False();
                }

                return isTransient(args);
            };
        });

        pipeline.SelectPipelineByAuthority();
        return http;
    }
}
