using System.Globalization;
using Garnet;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Runs Garnet inside this process for as long as the host runs. Durable: every write goes to the
/// append-only file, whose commit is issued within 5 ms of the write; a clean stop commits what is left;
/// a start replays the file (<c>--recover</c>); a checkpoint truncates it once it passes 256 MB.
/// Garnet answers a write before its commit is done; HelloService answers its own writes only
/// after a <c>COMMITAOF</c> (its <c>StoreCommits</c>), so a <c>kill -9</c> loses nothing it acknowledged.
/// (<c>--aof-commit-wait</c> would do that for every command, but in Garnet 2.2.8 it blocked sessions for
/// seconds under concurrent clients.)
/// </summary>
public sealed class GarnetHost(IOptions<GarnetOptions> options, ILoggerFactory loggerFactory, ILogger<GarnetHost> logger) : IHostedService, IDisposable
{
    private GarnetServer? _server;

    public bool Running => _server is not null;

    public int Port => options.Value.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var data = Path.GetFullPath(settings.DataDirectory);
        Directory.CreateDirectory(data);
        _server = new GarnetServer(Arguments(settings, data), loggerFactory);
        _server.Start();
        GarnetLog.Started(logger, settings.Bind, settings.Port, data);
        await WarmUpAsync(settings, cancellationToken);
        await TakeFirstCheckpointAsync(settings, cancellationToken);
    }

    // Before the host goes on to listen, so the health check (and everything that waits for it) sees a warm store.
    // Only a head start: a warm-up that fails is logged, and the store starts cold.
    private async Task WarmUpAsync(GarnetOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            GarnetLog.WarmedUp(logger, (await GarnetWarmUp.RunAsync(settings, cancellationToken)).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping while starting: the stop goes on.
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The type only: a client's message can carry its configuration.
            GarnetLog.WarmUpFailed(logger, ex.GetType().Name);
        }
    }

    // After the warm-up, whose writes overwrite any torn tail the recovery dropped. Only a head start too.
    private async Task TakeFirstCheckpointAsync(GarnetOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            GarnetLog.FirstCheckpointTaken(logger, (await GarnetFirstCheckpoint.TakeAsync(settings, cancellationToken)).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping while starting: the stop goes on.
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            GarnetLog.FirstCheckpointFailed(logger, ex.GetType().Name);
        }
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

    // Never Dispose(true): that deletes the data directory. Once only: the host is both a singleton and a hosted
    // service, so the container disposes it twice, and a second GarnetServer.Dispose throws (exit code 134).
    public void Dispose() => Interlocked.Exchange(ref _server, null)?.Dispose(deleteDir: false);

    public static string[] Arguments(GarnetOptions settings, string data) =>
    [
        "--port", settings.Port.ToString(CultureInfo.InvariantCulture),
        "--bind", settings.Bind,
        "--memory", settings.Memory,
        "--index", settings.Index,
        // Durability: every write goes to the append-only file, committed within 5 ms (HelloService's own COMMITAOF
        // makes its writes last before it answers them); a restart replays it. Garnet's default, a commit issued for
        // every operation, cost the store a quarter more CPU a keyed write (docs/benchmarks.md).
        "--aof", "--recover", "--aof-commit-freq", "5",
        // A replay that fails stops the start, leaving the folder as it was, instead of starting with what was
        // replayed before the failure (a torn tail is not a failure: Garnet drops it, by design).
        "--fail-on-recovery-error",
        "--checkpointdir", Path.Combine(data, "checkpoints"),
        // Past 256 MB a checkpoint truncates the file, a segment (64 MB) at a time: with Garnet's 1 GB
        // segments nothing could go before a whole gigabyte had been written.
        "--aof-size-limit", "256m", "--aof-segment-size", "64m",
        // Beyond --memory, older records move to disk instead of being dropped; compaction (GarnetOptions) bounds
        // the disk, and the health check reports when it does not (GarnetLogHealth).
        "--storage-tier", "--logdir", Path.Combine(data, "log"),
        "--segment", settings.Segment, "--object-log-segment", settings.Segment,
        "--compaction-max-segments", settings.CompactionSegments.ToString(CultureInfo.InvariantCulture),
        "--compaction-freq", settings.CompactionFrequencySeconds.ToString(CultureInfo.InvariantCulture), "--compaction-type", "Lookup",
        "--expired-key-deletion-scan-freq", "60",
        // HelloService's steps are scripts; only transaction mode runs a script atomically (locking its KEYS).
        "--lua", "--lua-transaction-mode",
        // The default native device needs libaio, which many Linux machines lack.
        "--device-type", "RandomAccess",
        .. Authentication(settings.Password),
    ];

    // Garnet's password mode: a connection that has not sent AUTH gets NOAUTH for every command.
    private static string[] Authentication(string? password) =>
        string.IsNullOrEmpty(password) ? [] : ["--auth", "Password", "--password", password];
}
