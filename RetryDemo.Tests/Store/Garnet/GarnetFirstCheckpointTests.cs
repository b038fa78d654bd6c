using RetryDemo.Store.Garnet;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>
/// The store's first checkpoint, taken at start (the full one, hash index and all) so that none is full under
/// load; on the real store, restarted on its own data folder as the Store project restarts.
/// </summary>
[Trait("Category", "Component")]
public sealed class GarnetFirstCheckpointTests : IAsyncDisposable
{
    private readonly StoreRestarts _restarts = new();

    private string Data => _restarts.DataDirectory;

    [Fact]
    public async Task StartAsync_FreshFolder_HasWrittenTheFullCheckpointBeforeReturning()
    {
        await StartAsync();

        // A full checkpoint is the hash index (ht.dat) beside a snapshot of the log.
        Assert.NotEmpty(Files("index-checkpoints", "ht.dat*"));
        Assert.NotEmpty(Files("cpr-checkpoints", "snapshot.dat*"));
    }

    [Fact]
    public async Task StartAsync_EachRestart_TakesANewFullCheckpointAndKeepsEveryWrite()
    {
        var first = await StartAsync();
        await WriteAsync(first, "before");
        var tokensAtFirstStart = IndexCheckpoints();
        await first.StopAsync();

        var second = await StartAsync();
        var tokensAtRestart = IndexCheckpoints();
        await WriteAsync(second, "after");
        await second.StopAsync();

        var third = await StartAsync();
        var db = (await third.ConnectAsync()).GetDatabase();
        Assert.Equal("before", (string?)await db.StringGetAsync("before"));
        Assert.Equal("after", (string?)await db.StringGetAsync("after"));
        Assert.NotEqual(tokensAtFirstStart, tokensAtRestart);
        // Garnet deletes all but the last two index checkpoints, at recovery and after each new one, so restarts do not
        // pile them up.
        Assert.Equal(2, IndexCheckpoints().Length);
        Assert.DoesNotContain(Assert.Single(tokensAtFirstStart), IndexCheckpoints());
    }

    [Fact]
    public async Task TakeAsync_RunningStore_WaitsForTheCheckpointAndSaysItWasWritten()
    {
        var server = await StartAsync();
        var snapshots = Directory.GetDirectories(Data, "cpr-checkpoints", SearchOption.AllDirectories).Single();
        var before = Directory.GetDirectories(snapshots);

        var (_, written) = await GarnetFirstCheckpoint.TakeAsync(server.Options, Data, TestContext.Current.CancellationToken);

        Assert.True(written);
        // Complete by the time it returns: the new checkpoint's info.dat, written last, is there.
        Assert.Contains(Directory.GetDirectories(snapshots).Except(before), f => File.Exists(Path.Combine(f, "info.dat.0")));
    }

    private Task<StoreServer> StartAsync() => _restarts.StartAsync();

    private static async Task WriteAsync(StoreServer server, string key) =>
        Assert.True(await (await server.ConnectAsync()).GetDatabase().StringSetAsync(key, key));

    private string[] IndexCheckpoints() =>
        [.. Directory.GetDirectories(Path.Combine(Data, "checkpoints"), "index-checkpoints", SearchOption.AllDirectories)
            .SelectMany(Directory.GetDirectories).Select(Path.GetFileName).Order()!];

    private string[] Files(string kind, string pattern) =>
        [.. Directory.GetDirectories(Path.Combine(Data, "checkpoints"), kind, SearchOption.AllDirectories)
            .SelectMany(d => Directory.GetFiles(d, pattern, SearchOption.AllDirectories))];

    public ValueTask DisposeAsync() => _restarts.DisposeAsync();
}
