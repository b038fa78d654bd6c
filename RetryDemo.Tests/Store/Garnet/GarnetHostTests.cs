using System.Security.Cryptography;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The store's host on the real Garnet: what a restart does with a data folder it cannot fully recover.</summary>
[Trait("Category", "Component")]
public sealed class GarnetHostTests : IAsyncDisposable
{
    private readonly StoreRestarts _restarts = new();

    private string Data => _restarts.DataDirectory;

    [Fact]
    public async Task StartAsync_CheckpointUnreadable_RefusesToStartAndLeavesTheFolderAsItWas()
    {
        // Greetings in a checkpoint, and more after it in the append-only file only.
        var first = await _restarts.StartAsync();
        var store = await first.ConnectAsync();
        var db = store.GetDatabase();
        await db.StringSetAsync("in-the-checkpoint", "1");
        await store.GetServers().Single().ExecuteAsync("SAVE");
        await db.StringSetAsync("after-it", "1");
        await first.StopAsync();
        var snapshot = Assert.Single(Directory.GetFiles(Data, "snapshot.dat*", SearchOption.AllDirectories));
        await File.WriteAllBytesAsync(snapshot, [.. Enumerable.Repeat((byte)0xFF, (int)new FileInfo(snapshot).Length)], TestContext.Current.CancellationToken);
        var folder = Fingerprint();

        // Without --fail-on-recovery-error Garnet starts with what it could replay (here "after-it" alone), and its
        // first checkpoint would then make that all there is.
        var error = await Record.ExceptionAsync(_restarts.StartAsync); // a store that starts anyway is disposed with the rest

        Assert.Equal("Tsavorite.core.TsavoriteException", error?.GetType().FullName);
        Assert.Equal(folder, Fingerprint());
    }

    private string[] Fingerprint() =>
        [.. Directory.GetFiles(Data, "*", SearchOption.AllDirectories).Order()
            .Select(f => $"{Path.GetRelativePath(Data, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}")];

    public ValueTask DisposeAsync() => _restarts.DisposeAsync();
}
