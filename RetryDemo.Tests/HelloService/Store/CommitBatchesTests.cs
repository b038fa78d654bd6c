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

        var scripts = session.FinishProfiling().Count(command => command.Command is "EVAL" or "EVALSHA");
        Assert.InRange(scripts, 1, 16); // one a write would be 32
        Assert.Equal(33, (long)await connection.GetDatabase().StringGetAsync(StoreKeys.GreetingCount));
        Assert.All(written.Select((g, i) => (g, i)), w => Assert.Equal($"Hello, n{w.i}!", w.g!.Message));
    }

    /// <summary>
    /// While the store does not answer a script, the writes behind it wait; once one has waited as long as the
    /// store client waits for an answer it fails as that wait would have, without being sent: sent late it could
    /// write after its caller gave up, and through a long stall the writes waiting would pile up.
    /// </summary>
    [Fact]
    public async Task CommitAsync_BehindAScriptTheStoreDoesNotAnswer_FailsUnsentOnceItWaitedTheClientsTimeout()
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

        await Assert.ThrowsAsync<RedisTimeoutException>(() => first); // the client's own wait, in real time
        var unsent = await Task.WhenAll(behind.Select(write => Assert.ThrowsAsync<RedisTimeoutException>(() => write)));
        proxy.Resume();

        Assert.All(unsent, failure => Assert.Contains("not sent", failure.Message, StringComparison.Ordinal));
        Assert.Single(session.FinishProfiling()); // the first write's number, and nothing after it
    }
}
