using System.Security.Cryptography;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The store's host on the real Garnet: what a restart does with a data folder it cannot fully recover.</summary>
[Trait("Category", "Component")]
public sealed class GarnetHostTests : IAsyncDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "retrydemo-store-" + Guid.NewGuid().ToString("N"));
    private readonly List<StoreServer> _servers = [];

    [Fact]
    public async Task StartAsync_CheckpointUnreadable_RefusesToStartAndLeavesTheFolderAsItWas()
    {
        // Greetings in a checkpoint, and more after it in the append-only file only.
        var first = await StoreServer.StartAsync(_data);
        _servers.Add(first);
        var store = await first.ConnectAsync();
        var db = store.GetDatabase();
        await db.StringSetAsync("in-the-checkpoint", "1");
        await store.GetServers().Single().ExecuteAsync("SAVE");
        await db.StringSetAsync("after-it", "1");
        await first.StopAsync();
        var snapshot = Assert.Single(Directory.GetFiles(_data, "snapshot.dat*", SearchOption.AllDirectories));
        await File.WriteAllBytesAsync(snapshot, [.. Enumerable.Repeat((byte)0xFF, (int)new FileInfo(snapshot).Length)], TestContext.Current.CancellationToken);
        var folder = Fingerprint();

        // Without --fail-on-recovery-error Garnet starts with what it could replay (here "after-it" alone), and its
        // first checkpoint would then make that all there is.
        StoreServer? started = null;
        var error = await Record.ExceptionAsync(async () => started = await StoreServer.StartAsync(_data));
        if (started is not null)
        {
            _servers.Add(started);
        }

        Assert.Equal("Tsavorite.core.TsavoriteException", error?.GetType().FullName);
        Assert.Equal(folder, Fingerprint());
    }

    private string[] Fingerprint() =>
        [.. Directory.GetFiles(_data, "*", SearchOption.AllDirectories).Order()
            .Select(f => $"{Path.GetRelativePath(_data, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}")];

    public async ValueTask DisposeAsync()
    {
        // The last started first: each deletes the folder they share.
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync();
        }
    }
}
