using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Healthy when Garnet answers PING on its own port, the way HelloService reaches it (with the password), and its
/// compaction is moving (<see cref="GarnetLogHealth"/>); degraded when it answers but compaction is stuck or its
/// index overflows.
/// </summary>
public sealed class GarnetHealthCheck(GarnetHost garnet, IOptions<GarnetOptions> options, TimeProvider time) : IHealthCheck, IAsyncDisposable
{
    private readonly GarnetLogHealth _log = new(options.Value, time);
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
            var db = (await ConnectAsync()).GetDatabase();
            var ping = $"PING answered in {Latency(await db.PingAsync())} ms";
            try
            {
                return _log.Evaluate(Fields((string?)await db.ExecuteAsync("INFO", "store") ?? ""), ping);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Healthy($"{ping}; INFO STORE failed ({ex.GetType().Name}), so compaction is not watched.");
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Garnet did not answer PING.", ex);
        }
    }

    private static string Latency(TimeSpan elapsed) => elapsed.TotalMilliseconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    // INFO's text: "# Section" headers and "field:value" lines.
    private static Dictionary<string, string> Fields(string info) => info.Split('\n', StringSplitOptions.TrimEntries)
        .Select(line => line.Split(':', 2)).Where(pair => pair.Length == 2 && !pair[0].StartsWith('#'))
        .GroupBy(pair => pair[0]).ToDictionary(group => group.Key, group => group.First()[1]);

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        if (_connection is { } connected)
        {
            return connected;
        }

        await _connecting.WaitAsync();
        try
        {
            var client = options.Value.LocalClient("store-health", connectTimeoutMs: 5000, asyncTimeoutMs: 5000);
            client.AbortOnConnectFail = false;
            return _connection ??= await ConnectionMultiplexer.ConnectAsync(client);
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
