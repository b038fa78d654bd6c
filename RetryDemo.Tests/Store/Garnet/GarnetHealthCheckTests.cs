using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.Store.Garnet;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The store's health check against the real store: its log read from Garnet itself (INFO STORE).</summary>
[Trait("Category", "Component")]
public sealed class GarnetHealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_StoreJustStarted_IsHealthyAndSaysItsLog()
    {
        await using var server = await StoreServer.StartAsync();
        await using var check = new GarnetHealthCheck(server.Host, Microsoft.Extensions.Options.Options.Create(server.Options), TimeProvider.System);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.EndsWith("; 0 MB of log below its read-only part (compaction due past 512 MB).", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_CompactionDueAndNotRunningPastStuckAfter_IsDegraded()
    {
        // Compaction due past one 16 MB segment and not running within the test, as when Garnet's has stopped:
        // 180 MB of new keys put far more than that below the log's read-only part.
        await using var server = await StoreServer.StartAsync(configure: options =>
        {
            options.Segment = "16m";
            options.CompactionSegments = 1;
            options.CompactionFrequencySeconds = 3600;
        });
        var time = new FakeTimeProvider();
        await using var check = new GarnetHealthCheck(server.Host, Microsoft.Extensions.Options.Options.Create(server.Options), time);
        var store = (await server.ConnectAsync()).GetDatabase();
        var value = new string('x', 10_000);
        for (var batch = 0; batch < 18; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => store.StringSetAsync($"filler:{batch}:{i}", value)));
        }

        var first = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(2));
        var later = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, first.Status);
        Assert.Equal(HealthStatus.Degraded, later.Status);
        Assert.StartsWith("Compaction has not moved the log's oldest record for 182.0 minutes while due: 1", later.Description, StringComparison.Ordinal);
    }
}
