using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Healthy when Garnet answers PING on its own port, the way HelloService reaches it (with the password), and its
/// log is as bounded as its options say (<see cref="GarnetLogHealth"/>); degraded when it answers but is not.
/// </summary>
public sealed class GarnetHealthCheck(GarnetHost garnet, IOptions<GarnetOptions> options) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!garnet.Running)
        {
            return HealthCheckResult.Unhealthy("Garnet has not started.");
        }

        try
        {
            var connection = await ConnectAsync();
            var latency = await connection.GetDatabase().PingAsync();
            var store = (await connection.GetServers().Single().InfoAsync("store")).SelectMany(section => section)
                .GroupBy(field => field.Key).ToDictionary(field => field.Key, field => field.First().Value);
            return GarnetLogHealth.Evaluate(store, options.Value.LogBoundBytes, $"PING answered in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Garnet did not answer PING.", ex);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_connection is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync();
        try
        {
            return _connection ??= await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { { options.Value.LocalAddress, garnet.Port } },
                Password = string.IsNullOrEmpty(options.Value.Password) ? null : options.Value.Password,
                AbortOnConnectFail = false,
                AllowAdmin = true, // for INFO: this connection is the store's own, on loopback, never a caller's
                ConnectTimeout = 5000,
                AsyncTimeout = 5000,
            });
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _connecting.Dispose();
    }
}
