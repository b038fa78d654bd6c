using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Whether the store answers PING, in HelloService's own health report. Registered as Degraded on failure,
/// not Unhealthy: without the store HelloService still serves what needs nothing from it, so its /health
/// stays 200 and no platform takes every replica out at once. Says why without a stack trace, since a probe
/// asks every few seconds for as long as the outage lasts.
/// </summary>
public sealed class StoreHealthCheck(IConnectionMultiplexer store) : IHealthCheck
{
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await store.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"The store answered PING in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (Exception ex) when (StoreFailure.Is(ex, cancellationToken))
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"The store did not answer PING ({ex.GetType().Name}): greetings, attempt counts and the fault controls answer 503 until it does.");
        }
    }
}
