using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetryDemo.HelloService.Greetings;
using OpenTelemetry.Trace;
using StackExchange.Redis;
using RetryDemo.HelloService.Store;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.HelloService;

public static class SharedStateExtensions
{
    public const string ConnectionName = "store";

    /// <summary>
    /// How often the store's command spans are made from the profiled commands (the library's default is 10 s).
    /// Each drain turns every command since the last into spans at once; at 100 ms (about 3,500 commands under
    /// load) the drains doubled to tripled the p99 of GET /hello, at 20 ms they did not (docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan StoreSpanFlush = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Where HelloService keeps what it knows: the shared store when <c>ConnectionStrings:store</c> is set
    /// (the AppHost sets it), so any number of replicas act as one; otherwise this process, for one instance.
    /// </summary>
    public static IHostApplicationBuilder AddSharedState(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        // StateRetention's defaults are the values; its section only overrides them (a benchmark shrinks the capacity).
        var retention = builder.Configuration.GetSection(StateRetention.SectionName).Get<StateRetention>() ?? StateRetention.Default;
        Validator.ValidateObject(retention, new ValidationContext(retention), validateAllProperties: true);
        builder.Services.TryAddSingleton(retention);

        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddMemoryCache(cache => cache.SizeLimit = retention.AttemptCountCapacity);
            builder.Services.AddSingleton<IFaultStateStore, InProcessFaultState>();
            builder.Services.AddSingleton<IGreetingStore, InProcessGreetingStore>();
            builder.Services.AddHostedService<InProcessStateWarning>();
            return builder;
        }

        // Connected at start-up, not inside the first request (which would pay for it). The password, when the
        // store asks for one, is in the connection string. Aspire's health check would make /health Unhealthy
        // while the store is down; StoreHealthCheck reports Degraded instead (docs/deployment.md).
        var commandSpans = !builder.Configuration.GetValue<bool>("Aspire:StackExchange:Redis:DisableTracing");
        builder.AddRedisClient(ConnectionName, settings =>
        {
            settings.DisableAutoActivation = false;
            settings.DisableHealthChecks = true;
            settings.DisableTracing = true; // Its own span per command, below, with the flush it needs.
        }, ConfigureClient);
        if (commandSpans)
        {
            // A span per store command, as Aspire's integration makes them, but drained every StoreSpanFlush
            // instead of every 10 s: the profiler holds each request's commands until a drain turns them into
            // spans, and a drain of ten seconds' worth stalled the requests that met it (docs/benchmarks.md).
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddRedisInstrumentation(spans => spans.FlushInterval = StoreSpanFlush));
        }

        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, HealthStatus.Degraded);
        builder.Services.AddHostedService<StoreConnectionAtStart>();
        builder.Services.AddHostedService<StoreLayoutUpgrade>();
        builder.Services.AddSingleton<RedisFaultState>();
        // The switches each replica holds between changes, every change heard by all before its command returns.
        builder.Services.AddSingleton<StoreFaultSwitchChanges>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StoreFaultSwitchChanges>());
        builder.Services.AddSingleton<IFaultStateStore>(services => ActivatorUtilities.CreateInstance<FailOpenFaultState>(services,
            new CachedFaultSwitches(services.GetRequiredService<RedisFaultState>(), services.GetRequiredService<StoreFaultSwitchChanges>(), services.GetRequiredService<TimeProvider>())));
        builder.Services.AddSingleton<IGreetingStore, RedisGreetingStore>();
        builder.Services.AddSingleton(_ => StoreCommits.OnConnectionOfItsOwn(CommitConnection(connectionString)));
        return builder;
    }

    /// <summary>
    /// The store client's settings: an answer (or a failure) well inside ClientService's 2 s attempt timeout,
    /// and at once while the store is unreachable instead of queueing behind a reconnect. Public so the tests'
    /// clients are configured by this very method.
    /// </summary>
    public static void ConfigureClient(ConfigurationOptions options)
    {
        options.ConnectTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.SyncTimeout = 1000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AbortOnConnectFail = false;
        // The client's own scheduler threads spun for CPU beside the thread pool: on two cores the thread pool's
        // scheduling took keyed writes from 5,900 to 8,800/s and a write's CPU from 179 to 106 µs (docs/benchmarks.md).
        options.SocketManager = SocketManager.ThreadPool;
    }

    private static ConfigurationOptions CommitConnection(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        ConfigureClient(options);
        options.ClientName = "hello-commits";
        return options;
    }

    /// <summary>Answers 503 when the store cannot; after <c>MapDefaultEndpoints</c>, so it runs inside the exception handler.</summary>
    public static IApplicationBuilder UseSharedState(this IApplicationBuilder app) => app.UseMiddleware<StoreUnavailableMiddleware>();

    private sealed class InProcessStateWarning(ILogger<InProcessStateWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            StoreLog.InProcessState(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
