using System.Globalization;
using Garnet;
using Microsoft.Extensions.Options;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Runs Garnet inside this process for as long as the host runs. Durable: every write is in the
/// append-only file before Garnet answers it (<c>--aof-commit-wait</c>), the file is replayed at start
/// (<c>--recover</c>), and a checkpoint truncates it once it passes 256 MB.
/// </summary>
public sealed class GarnetHost(IOptions<GarnetOptions> options, ILoggerFactory loggerFactory, ILogger<GarnetHost> logger) : IHostedService, IDisposable
{
    private GarnetServer? _server;

    public bool Running => _server is not null;

    public int Port => options.Value.Port;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var data = Path.GetFullPath(settings.DataDirectory);
        Directory.CreateDirectory(data);
        _server = new GarnetServer(Arguments(settings, data), loggerFactory);
        _server.Start();
        GarnetLog.Started(logger, settings.Bind, settings.Port, data);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            // Dispose does not flush the append-only file; commit it first so a clean stop loses nothing.
            await server.Store.CommitAOFAsync(cancellationToken);
            GarnetLog.Stopped(logger);
        }
    }

    // Never Dispose(true): that deletes the data directory.
    public void Dispose() => _server?.Dispose(deleteDir: false);

    public static string[] Arguments(GarnetOptions settings, string data) =>
    [
        "--port", settings.Port.ToString(CultureInfo.InvariantCulture),
        "--bind", settings.Bind,
        "--memory", settings.Memory,
        "--index", "64m",
        // Durability: the write is in the append-only file before the reply; a restart replays it.
        "--aof", "--aof-commit-wait", "--recover",
        "--checkpointdir", Path.Combine(data, "checkpoints"),
        "--aof-size-limit", "256m",
        // Beyond --memory, older records move to disk instead of being dropped; compaction reclaims it.
        "--storage-tier", "--logdir", Path.Combine(data, "log"),
        "--compaction-freq", "300", "--compaction-type", "Lookup",
        "--expired-key-deletion-scan-freq", "60",
        // The default native device needs libaio, which many Linux machines lack.
        "--device-type", "RandomAccess",
        // HelloService's scripts read and write several keys at once; transaction mode makes each atomic.
        "--lua", "--lua-transaction-mode",
    ];
}
