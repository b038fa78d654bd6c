using Microsoft.Extensions.Logging.Testing;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>An older HelloService's objects in the store (its data folder outlives a restart), removed at start, on the real store.</summary>
[Trait("Category", "Component")]
public sealed class StoreLayoutUpgradeTests : IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_OlderLayoutInTheStore_RemovesItsObjectsAndCarriesTheFaultSettingsOver()
    {
        var connection = await _server.ConnectAsync();
        var db = connection.GetDatabase();
        await db.HashSetAsync(StoreLayoutUpgrade.OlderFaultState, [new("outage", 1), new("remaining", 3), new("status", 429), new("retryAfterSeconds", 7)]);
        for (var bucket = 0; bucket < 600; bucket++)
        {
            await db.SortedSetAddAsync(StoreLayoutUpgrade.OlderIndexBuckets, bucket, bucket);
            await db.ListRightPushAsync($"retrydemo:index:bucket:{bucket}", "an entry");
        }

        await db.StringSetAsync(StoreLayoutUpgrade.OlderCount, 600);
        var logger = new FakeLogger<StoreLayoutUpgrade>();
        var running = await _server.HearChangesAsync(); // a replica already running, holding the switches it read
        var heardBefore = running.Heard;

        await new StoreLayoutUpgrade(connection, logger).StartAsync(Token);
        await new StoreLayoutUpgrade(connection, logger).StartAsync(Token); // a second replica, after
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "The running replica did not hear of the carried-over switches", () => running.Heard is { } heard && heard != heardBefore);

        var left = new List<string>();
        await foreach (var key in connection.GetServers().Single().KeysAsync(pattern: "retrydemo:*"))
        {
            left.Add($"{key} ({await db.KeyTypeAsync(key)})");
        }

        Assert.Equal(
            [$"{StoreKeys.FailNextRemaining} (String)", $"{StoreKeys.FailNextRetryAfterSeconds} (String)", $"{StoreKeys.FailNextStatus} (String)", $"{StoreKeys.Outage} (String)"],
            left.Order());
        var carried = await new RedisFaultState(connection, StateRetention.Default).SnapshotAsync(Token);
        Assert.Equal(new FaultStateSnapshot(true, 3, 429, 7), carried);
        Assert.Equal("Removed an older HelloService's layout from the store: 600 index buckets, its count and its fault-state hash", Assert.Single(logger.Collector.GetSnapshot()).Message);
    }

    /// <summary>The first strings-only commits kept the numbered index's count under the older name: it is the index's, and stays.</summary>
    [Fact]
    public async Task StartAsync_CountUnderTheOlderNameBesideNumberedEntries_IsRenamedNotRemoved()
    {
        var connection = await _server.ConnectAsync();
        var db = connection.GetDatabase();
        await db.StringSetAsync(StoreKeys.IndexNext, 42);
        await db.StringSetAsync(StoreLayoutUpgrade.OlderCount, 40);

        await new StoreLayoutUpgrade(connection, new FakeLogger<StoreLayoutUpgrade>()).StartAsync(Token);

        Assert.Equal(40, (long)await db.StringGetAsync(StoreKeys.GreetingCount));
        Assert.False(await db.KeyExistsAsync(StoreLayoutUpgrade.OlderCount));
    }

    [Fact]
    public async Task StartAsync_StoreDown_SaysSoAndStarts()
    {
        var connection = await _server.ConnectAsync();
        await _server.StopAsync();
        var logger = new FakeLogger<StoreLayoutUpgrade>();

        await new StoreLayoutUpgrade(connection, logger).StartAsync(Token).WaitAsync(TimeSpan.FromSeconds(30), Token);

        Assert.StartsWith("Could not look for an older HelloService's layout", Assert.Single(logger.Collector.GetSnapshot()).Message);
    }
}
