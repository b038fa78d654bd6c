using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.HelloService;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>HelloService's start against the real store client: connected to the real store, or to a port where nothing listens (yet).</summary>
[Trait("Category", "Component")]
public sealed class StoreConnectionAtStartTests
{
    private static readonly StoreCommits CommitsWithoutAConnection = new(() => Task.CompletedTask);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<StoreConnectionAtStart> _logger = new();

    [Fact]
    public async Task StartAsync_StoreConnected_ReturnsWithoutWaiting()
    {
        await using var store = await StoreServer.StartAsync();
        var connection = await store.ConnectAsync();

        var start = new StoreConnectionAtStart(connection, CommitsWithoutAConnection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);

        Assert.True(start.IsCompletedSuccessfully);
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task StartAsync_StoreNotConnected_WaitsUpToTheBound()
    {
        await using var connection = await ConnectAsync(StoreServer.FreePort());

        var start = new StoreConnectionAtStart(connection, CommitsWithoutAConnection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);
        await AdvanceAsync(StoreConnectionAtStart.Longest - StoreConnectionAtStart.CheckEvery);

        Assert.False(start.IsCompleted, "the start went on before the bound with the store not connected");
    }

    [Fact]
    public async Task StartAsync_CommitsConnectionNotUp_WaitsUpToTheBound()
    {
        await using var store = await StoreServer.StartAsync();
        var connection = await store.ConnectAsync();
        var unreachable = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, StoreServer.FreePort() } } };
        SharedStateExtensions.ConfigureClient(unreachable);

        var start = new StoreConnectionAtStart(connection, StoreCommits.OnConnectionOfItsOwn(unreachable), _time, _logger).StartAsync(TestContext.Current.CancellationToken);
        await AdvanceAsync(StoreConnectionAtStart.Longest - StoreConnectionAtStart.CheckEvery);

        Assert.False(start.IsCompleted, "the start went on before the bound with the commits' connection not up");
    }

    [Fact]
    public async Task StartAsync_StoreComesUpWhileWaiting_StartsAndSaysAfterHowLong()
    {
        var port = StoreServer.FreePort();
        var password = "test-" + Guid.NewGuid().ToString("N");
        await using var connection = await ConnectAsync(port, password);
        var start = new StoreConnectionAtStart(connection, CommitsWithoutAConnection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);

        await using var store = await StoreServer.StartAsync(port: port, password: password);
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "the client never connected to the store once it was up", () => connection.IsConnected);
        Assert.False(start.IsCompleted, "the start went on before the store was up");
        _time.Advance(StoreConnectionAtStart.CheckEvery);
        await start.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var connected = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(2104, connected.Id.Id);
        Assert.Equal(LogLevel.Information, connected.Level);
    }

    [Fact]
    public async Task StartAsync_StoreNotConnectedWithinTheBound_StartsAnywayAndSaysSo()
    {
        await using var connection = await ConnectAsync(StoreServer.FreePort());
        var began = _time.GetUtcNow();

        var start = new StoreConnectionAtStart(connection, CommitsWithoutAConnection, _time, _logger).StartAsync(TestContext.Current.CancellationToken);
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

    [Fact]
    public async Task StartAsync_StopAskedForWhileWaiting_EndsTheWaitQuietly()
    {
        await using var connection = await ConnectAsync(StoreServer.FreePort());
        using var stopping = new CancellationTokenSource();

        var start = new StoreConnectionAtStart(connection, CommitsWithoutAConnection, _time, _logger).StartAsync(stopping.Token);
        await stopping.CancelAsync();

        await start.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Empty(_logger.Collector.GetSnapshot());
    }

    // HelloService's own client settings, pointed at a loopback port nothing listens on (yet): it stays disconnected.
    private static async Task<ConnectionMultiplexer> ConnectAsync(int port, string? password = null)
    {
        var options = new ConfigurationOptions { EndPoints = { { IPAddress.Loopback, port } }, Password = password };
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
