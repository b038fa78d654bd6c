using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.HelloService;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>HelloService's start against the real store client: connected to the real store, or to a port where nothing listens.</summary>
[Trait("Category", "Component")]
public sealed class StoreConnectionAtStartTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<StoreConnectionAtStart> _logger = new();

    [Fact]
    public async Task StartAsync_StoreConnected_ReturnsWithoutWaiting()
    {
        await using var store = await StoreServer.StartAsync();
        var connection = await store.ConnectAsync();

        var start = new StoreConnectionAtStart(connection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);

        Assert.True(start.IsCompletedSuccessfully);
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task StartAsync_StoreNotConnected_WaitsUpToTheBound()
    {
        await using var connection = await UnreachableStoreAsync();

        var start = new StoreConnectionAtStart(connection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);
        await AdvanceAsync(StoreConnectionAtStart.Longest - StoreConnectionAtStart.CheckEvery);

        Assert.False(start.IsCompleted, "the start went on before the bound with the store not connected");
    }

    [Fact]
    public async Task StartAsync_StoreNotConnectedWithinTheBound_StartsAnywayAndSaysSo()
    {
        await using var connection = await UnreachableStoreAsync();
        var began = _time.GetUtcNow();

        var start = new StoreConnectionAtStart(connection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "the start never went on without the store", async ct =>
        {
            while (!start.IsCompleted)
            {
                _time.Advance(StoreConnectionAtStart.CheckEvery);
                await Task.Delay(1, ct);
            }
        });

        await start;
        Assert.True(_time.GetUtcNow() - began >= StoreConnectionAtStart.Longest);
        var warning = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(2105, warning.Id.Id);
    }

    // HelloService's own client settings, pointed at a loopback port nothing listens on: it stays disconnected.
    private static async Task<ConnectionMultiplexer> UnreachableStoreAsync()
    {
        var options = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, StoreServer.FreePort() } } };
        SharedStateExtensions.ConfigureClient(options);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.False(connection.IsConnected);
        return connection;
    }

    // Moves the fake clock in the start's own steps, yielding between them.
    private async Task AdvanceAsync(TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += StoreConnectionAtStart.CheckEvery)
        {
            _time.Advance(StoreConnectionAtStart.CheckEvery);
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
