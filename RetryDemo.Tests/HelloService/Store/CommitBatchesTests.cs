using Microsoft.Extensions.Time.Testing;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>A replica's writes committed together (<see cref="CommitBatches"/>), on the real store.</summary>
[Trait("Category", "Component")]
public sealed class CommitBatchesTests : IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Writes of one replica under way together go in one commit script, their numbers taken in one step: the
    /// store's fixed cost of a script is paid once for them all.
    /// </summary>
    [Fact]
    public async Task CommitAsync_WritesAtOnceOnOneReplica_ShareCommitScripts()
    {
        var connection = await _server.ConnectAsync();
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        await store.CommitAsync("scripts loaded", null, Token);
        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);

        // Started one after another without waiting: all but the first arrive while the first is on its way.
        var written = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => store.CommitAsync($"n{i}", null, Token).AsTask()));

        var commands = session.FinishProfiling().ToList();
        var scripts = commands.Count(command => command.Command is "EVAL" or "EVALSHA");
        Assert.InRange(scripts, 1, 16); // one a write would be 32
        Assert.Equal(scripts, commands.Count(command => command.Command is "INCR" or "INCRBY")); // a script's numbers in one step
        Assert.Equal(33, (long)await connection.GetDatabase().StringGetAsync(StoreKeys.GreetingCount));
        Assert.All(written.Select((g, i) => (g, i)), w => Assert.Equal($"Hello, n{w.i}!", w.g!.Message));
    }

    /// <summary>
    /// While the store does not answer, the writes behind the one on its way wait; one that has waited as long as
    /// the store client waits for an answer fails as that wait would have, without being sent (sent late it could
    /// write after its caller gave up, and through a long stall the writes waiting would pile up). One that has
    /// not waited that long goes once the store answers again.
    /// </summary>
    [Fact]
    public async Task CommitAsync_BehindACommitTheStoreDoesNotAnswer_FailsUnsentOnceItWaitedTheClientsTimeout_AYoungerOneGoes()
    {
        await using var proxy = new StallingProxy(_server.Options.Port);
        var connection = await _server.ConnectAsync(proxy.Port);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), time, StateRetention.Default);
        await store.CommitAsync("scripts loaded", null, Token);
        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);

        proxy.Stall();
        var first = store.CommitAsync("first", null, Token).AsTask();
        await Limit.WithinAsync(TimeSpan.FromSeconds(10), "the first write did not reach the stalled store", proxy.Holding);
        var behind = Enumerable.Range(0, 4).Select(i => store.CommitAsync($"behind{i}", null, Token).AsTask()).ToList();
        time.Advance(TimeSpan.FromMilliseconds(connection.TimeoutMilliseconds));
        var younger = store.CommitAsync("younger", null, Token).AsTask();
        proxy.Resume();

        var unsent = await Task.WhenAll(behind.Prepend(first).Select(write => Assert.ThrowsAsync<RedisTimeoutException>(() => write)));
        var written = await younger;

        Assert.All(unsent, failure => Assert.Contains("not sent", failure.Message, StringComparison.Ordinal));
        Assert.Equal(written, await store.FindAsync(written!.Id, Token));
        // The first write's number was taken (its answer held) but its script not sent, nor any of those behind it.
        Assert.Single(session.FinishProfiling(), command => command.Command is "EVAL" or "EVALSHA");
    }

    /// <summary>A write whose caller gave up while it waited behind another is not sent.</summary>
    [Fact]
    public async Task CommitAsync_CallerGaveUpWhileItWaited_IsNotSent()
    {
        await using var proxy = new StallingProxy(_server.Options.Port);
        var connection = await _server.ConnectAsync(proxy.Port);
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        await store.CommitAsync("scripts loaded", null, Token);

        proxy.Stall();
        var first = store.CommitAsync("first", null, Token).AsTask();
        await Limit.WithinAsync(TimeSpan.FromSeconds(10), "the first write did not reach the stalled store", proxy.Holding);
        using var gaveUp = new CancellationTokenSource();
        var abandoned = store.CommitAsync("abandoned", null, gaveUp.Token).AsTask();
        await gaveUp.CancelAsync();
        proxy.Resume();
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.DoesNotContain((await store.ListAsync(10, Token)).Latest, greeting => greeting.Message == "Hello, abandoned!");
    }
}
