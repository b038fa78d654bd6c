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
    private readonly List<StoreServer> _stopped = [];
    private readonly FakeLogger<StoreFaultSwitchChanges> _logger = new();
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    /// <summary>A wait no loaded machine outlasts, so a test fails on what it asserts and not on a slow thread pool.</summary>
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnnounceAsync_ThreeReplicas_EachHasHeardItWhenItReturns()
    {
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _server.HearChangesAsync(_logger, hearingTimeout: Patient)));

        // Twenty rounds well inside one patient wait: each returns once all have answered, not at its timeout.
        await Limit.WithinAsync(Patient, "Twenty announcements did not return", Rounds());
        async Task Rounds()
        {
            for (var round = 0; round < 20; round++)
            {
                var before = replicas.Select(r => r.Heard).ToArray();
                await replicas[round % 3].AnnounceAsync();

                Assert.All(replicas.Zip(before), pair => Assert.True(pair.First.Heard is { } heard && heard != pair.Second, "a replica had not heard the change, or had stopped hearing"));
            }
        }

        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task AnnounceAsync_StoreGone_SaysTheChangeWasNotAnnouncedAndReturns()
    {
        var replica = await HearingAsync();
        await _server.StopAsync();
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "The replica still said it heard every change with the store stopped", () => replica.Heard is null);

        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "The announcement did not return", _ => replica.AnnounceAsync());

        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("could not be announced", warning.Message);
    }

    [Fact]
    public async Task AnnounceAsync_AReplicaSlowToHear_WaitsUntilItHasHeard()
    {
        await using var proxy = new StallingProxy(_server.Options.Port);
        var slow = await _server.HearChangesAsync(port: proxy.Port);
        var announcer = await _server.HearChangesAsync(hearingTimeout: Patient);
        var before = slow.Heard;

        proxy.Stall();
        var announcing = announcer.AnnounceAsync();
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "The change never reached the stalled connection", proxy.Holding);
        var waitedForTheSlowOne = !announcing.IsCompleted;
        proxy.Resume();
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "The announcement did not return", announcing);

        Assert.True(waitedForTheSlowOne, "the announcement returned while a replica it was told to could not have heard it");
        Assert.True(slow.Heard is { } heard && heard != before, "the slow replica had not heard the change when the announcement returned");
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
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "The store did not have both subscriptions", () => silent.Publish(StoreKeys.FaultSwitchesChanged, "probe:from-the-test") == 2);

        var waited = Stopwatch.StartNew();
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "The announcement did not return", _ => replica.AnnounceAsync());

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
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "The replica still said it heard every change with the store stopped", () => replica.Heard is null);
        _stopped.Add(_server); // disposed at the end: it disposes the replicas' connections
        _server = await StoreServer.StartAsync(data, port, password);
        await Limit.UntilAsync(TimeSpan.FromSeconds(30), "The replicas did not hear again after the store's restart", () => replica.Heard is not null && other.Heard is not null);
        var before = replica.Heard;
        await other.AnnounceAsync();

        Assert.True(replica.Heard is { } heard && heard != before, "the replica had not heard the change after the restart");
    }

    private Task<StoreFaultSwitchChanges> HearingAsync() => _server.HearChangesAsync(_logger);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var server in _stopped)
        {
            await server.DisposeAsync();
        }
    }
}
