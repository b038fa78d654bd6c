using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetryDemo.HelloService.Faults;
using RetryDemo.HelloService.Greetings;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

public static class SharedStateExtensions
{
    public const string ConnectionName = "store";

    /// <summary>
    /// Where HelloService keeps what it knows: the shared store when <c>ConnectionStrings:store</c> is set
    /// (the AppHost sets it), so any number of replicas act as one; otherwise this process, for one instance.
    /// </summary>
    public static IHostApplicationBuilder AddSharedState(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(StateRetention.Default);

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            builder.Services.AddMemoryCache(cache => cache.SizeLimit = StateRetention.Default.AttemptCountCapacity);
            builder.Services.AddSingleton<IFaultStateStore, InProcessFaultState>();
            builder.Services.AddSingleton<IGreetingStore, InProcessGreetingStore>();
            builder.Services.AddHostedService<InProcessStateWarning>();
            return builder;
        }

        // Connected at start-up, not inside the first request (which would pay for it). The password, when the
        // store asks for one, is in the connection string. Aspire's health check would make /health Unhealthy
        // while the store is down; StoreHealthCheck reports Degraded instead (docs/deployment.md).
        builder.AddRedisClient(ConnectionName, settings =>
        {
            settings.DisableAutoActivation = false;
            settings.DisableHealthChecks = true;
        }, options =>
        {
            // Answers (or a failure) well inside ClientService's 2 s attempt timeout, and at once while
            // the store is unreachable instead of queueing behind a reconnect.
            options.ConnectTimeout = 1000;
            options.AsyncTimeout = 1000;
            options.SyncTimeout = 1000;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.AbortOnConnectFail = false;
        });
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, HealthStatus.Degraded);
        builder.Services.AddSingleton<RedisFaultState>();
        builder.Services.AddSingleton<IFaultStateStore>(services => ActivatorUtilities.CreateInstance<FailOpenFaultState>(services, services.GetRequiredService<RedisFaultState>()));
        builder.Services.AddSingleton<IGreetingStore, RedisGreetingStore>();
        return builder;
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
