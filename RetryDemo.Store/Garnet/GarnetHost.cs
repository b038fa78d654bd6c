using System.Globalization;
using Garnet;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Runs Garnet inside this process for as long as the host runs. Durable: every write goes to the
/// append-only file, which Garnet commits on its own 5 ms after its last commit ended; a clean stop commits what
/// is left; a start recovers the last checkpoint and replays the file after it (<c>--recover</c>), then takes a
/// checkpoint (<see cref="GarnetFirstCheckpoint"/>). A checkpoint truncates the file, and one is taken whenever
/// the file passes 256 MB. Garnet answers a write before its commit is done; HelloService answers its own writes only
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
        GarnetServer? server = null;
        try
        {
            // Recovery runs here: one that fails throws (--fail-on-recovery-error), and the host does not start.
            server = new GarnetServer(Arguments(settings, data), loggerFactory);
            server.Start();
        }
        catch (Exception ex)
        {
            // Not kept: a later stop would commit into the folder this start could not recover.
            server?.Dispose(deleteDir: false);
            GarnetLog.NotStarted(logger, ex.GetType().Name, data);
            throw;
        }

        _server = server;

        GarnetLog.Started(logger, settings.Bind, settings.Port, data);
        // Before the host goes on to listen, so the health check (and everything that waits for it) sees a warm store
        // that has taken its full checkpoint. Each is only a head start: one that fails is logged, and the start goes on.
        if (await HeadStartAsync("warm-up", () => GarnetWarmUp.RunAsync(settings, cancellationToken), cancellationToken) is { } warmUp)
        {
            GarnetLog.WarmedUp(logger, warmUp.TotalMilliseconds);
        }

        switch (await HeadStartAsync("first checkpoint", () => GarnetFirstCheckpoint.TakeAsync(settings, data, cancellationToken), cancellationToken))
        {
            case { Written: true } taken:
                GarnetLog.FirstCheckpointTaken(logger, taken.Took.TotalMilliseconds);
                break;
            case { } answered:
                GarnetLog.FirstCheckpointNotWritten(logger, answered.Took.TotalMilliseconds);
                break;
        }
    }

    private async Task<T?> HeadStartAsync<T>(string step, Func<Task<T>> run, CancellationToken cancellationToken)
        where T : struct
    {
        try
        {
            return await run();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null; // stopping while starting: the stop goes on
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException)
        {
            // The type only: a client's message can carry its configuration.
            GarnetLog.HeadStartFailed(logger, step, ex.GetType().Name);
            return null;
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
        // Durability: every write goes to the append-only file, committed by Garnet 5 ms after its last commit ended
        // (HelloService's own COMMITAOF makes its writes last before it answers them); a restart replays it. Garnet's
        // default, a commit issued for every operation, cost the store 18–29 % more CPU a keyed write (docs/benchmarks.md).
        "--aof", "--recover", "--aof-commit-freq", "5",
        // A checkpoint that cannot be recovered stops the start, instead of starting with what the file held after
        // it. Not every loss is a failure to Garnet 2.2.12: docs/deployment.md lists those it starts with.
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
