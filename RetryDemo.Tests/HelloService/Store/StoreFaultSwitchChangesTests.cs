using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>Changes to the operator's switches told through the real store's publish/subscribe, each replica its own connection.</summary>
[Trait("Category", "Component")]
public sealed class StoreFaultSwitchChangesTests : IAsyncLifetime
{
    private readonly List<StoreFaultSwitchChanges> _started = [];
    private readonly List<StoreServer> _stopped = [];
    private readonly FakeLogger<StoreFaultSwitchChanges> _logger = new();
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    [Fact]
    public async Task AnnounceAsync_ThreeReplicas_EachHasHeardItWhenItReturns()
    {
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => HearingAsync()));

        for (var round = 0; round < 20; round++)
        {
            var before = replicas.Select(r => r.Heard).ToArray();
            await replicas[round % 3].AnnounceAsync(TestContext.Current.CancellationToken);

            Assert.All(replicas.Zip(before), pair => Assert.NotEqual(pair.Second, pair.First.Heard));
        }
    }

    [Fact]
    public async Task AnnounceAsync_ASubscriberThatNeverAnswers_ReturnsAfterTheTimeoutAndSaysSo()
    {
        var replica = await HearingAsync();
        var silent = (await _server.ConnectAsync()).GetSubscriber();
        try
        {
            await silent.SubscribeAsync(StoreKeys.FaultSwitchesChanged, (_, _) => { });
        }
        catch (RedisConnectionException)
        {
            // Its subscription connection is not up yet; the client subscribes once it is.
        }

        // Until the store has both subscriptions, it would tell the announcement to one, and one would answer.
        await WaitAsync(() => silent.Publish(StoreKeys.FaultSwitchesChanged, "probe:from-the-test") == 2, "The store did not have both subscriptions");

        var waited = Stopwatch.StartNew();
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "The announcement did not return", replica.AnnounceAsync);

        Assert.True(waited.Elapsed >= StoreFaultSwitchChanges.HearingTimeout * 0.9,
            $"Returned after {waited.Elapsed}: {string.Join("; ", _logger.Collector.GetSnapshot().Select(r => r.Message))}");
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("heard by 1 of the 2", warning.Message);
    }

    [Fact]
    public async Task Heard_StoreRestarted_NullUntilItsSubscriptionIsBackThenHearsChangesAgain()
    {
        var replica = await HearingAsync();
        var other = await HearingAsync();
        var (port, data, password) = (_server.Options.Port, _server.Options.DataDirectory, _server.Options.Password);

        await _server.StopAsync();
        await WaitAsync(() => replica.Heard is null, "The replica still said it heard every change with the store stopped");
        _stopped.Add(_server); // disposed at the end: it disposes the replicas' connections
        _server = await StoreServer.StartAsync(data, port, password);
        await WaitAsync(() => replica.Heard is not null && other.Heard is not null, "The replicas did not hear again after the store's restart");
        var before = replica.Heard;
        await other.AnnounceAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(before, replica.Heard);
    }

    /// <summary>A replica's changes, started on a connection of its own, once it hears every change.</summary>
    private async Task<StoreFaultSwitchChanges> HearingAsync()
    {
        var changes = new StoreFaultSwitchChanges(await _server.ConnectAsync(), TimeProvider.System, _logger);
        _started.Add(changes);
        await changes.StartAsync(TestContext.Current.CancellationToken);
        await WaitAsync(() => changes.Heard is not null, "A replica's probe did not come back through its subscription");
        return changes;
    }

    private static Task WaitAsync(Func<bool> condition, string what) =>
        Limit.WithinAsync(TimeSpan.FromSeconds(30), what, async ct =>
        {
            while (!condition())
            {
                await Task.Delay(20, ct);
            }
        });

    public async ValueTask DisposeAsync()
    {
        foreach (var changes in _started)
        {
            await changes.StopAsync(CancellationToken.None);
            changes.Dispose();
        }

        await _server.DisposeAsync();
        foreach (var server in _stopped)
        {
            await server.DisposeAsync();
        }
    }
}
