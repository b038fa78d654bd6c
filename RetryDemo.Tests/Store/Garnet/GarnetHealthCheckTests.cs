using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetryDemo.Store.Garnet;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The store's health check against the real store: its log read from Garnet itself (INFO STORE).</summary>
[Trait("Category", "Component")]
public sealed class GarnetHealthCheckTests
{
    [Fact]
    public async Task CheckHealthAsync_StoreJustStarted_IsHealthyAndSaysHowFarTheLogSpans()
    {
        await using var server = await StoreServer.StartAsync();
        await using var check = new GarnetHealthCheck(server.Host, Microsoft.Extensions.Options.Options.Create(server.Options));

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        // 8 segments of 64 MB and the tests' 64 MB in memory.
        Assert.EndsWith("; the log spans 0 MB from its oldest record to its tail (bound 576 MB).", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_LogPastTwiceItsBound_IsDegraded()
    {
        // A bound of 80 MB (one 16 MB segment, 64 MB in memory) and compaction that will not run within the test,
        // as when Garnet's compaction has stopped: 180 MB of new keys carry the log past 160 MB.
        await using var server = await StoreServer.StartAsync(configure: options =>
        {
            options.Segment = "16m";
            options.CompactionSegments = 1;
            options.CompactionFrequencySeconds = 3600;
        });
        await using var check = new GarnetHealthCheck(server.Host, Microsoft.Extensions.Options.Options.Create(server.Options));
        var store = (await server.ConnectAsync()).GetDatabase();
        var value = new string('x', 10_000);
        for (var batch = 0; batch < 18; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => store.StringSetAsync($"filler:{batch}:{i}", value)));
        }

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("Compaction is not keeping the disk bounded: the log spans 17", result.Description, StringComparison.Ordinal);
        Assert.Contains("(bound 80 MB)", result.Description, StringComparison.Ordinal);
    }
}
