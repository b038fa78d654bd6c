namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// One data folder and the real stores started on it one after another, as the Store project restarts on its
/// folder. Disposed last started first, since each store deletes the folder when disposed; the folder goes even
/// when no start succeeded.
/// </summary>
public sealed class StoreRestarts : IAsyncDisposable
{
    private readonly List<StoreServer> _servers = [];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "retrydemo-store-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts a store on the folder, kept to be disposed with the others.</summary>
    public async Task<StoreServer> StartAsync()
    {
        var server = await StoreServer.StartAsync(DataDirectory);
        _servers.Add(server);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Enumerable.Reverse(_servers))
        {
            await server.DisposeAsync();
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
