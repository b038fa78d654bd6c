using System.Diagnostics;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Takes the store's first checkpoint (<c>SAVE</c>) at start, before its host listens. Garnet's first checkpoint
/// after a start is always a full one: it writes the whole hash index (512 MB at the default
/// <see cref="GarnetOptions.Index"/>) on the device the append-only file commits to. Left to come under keyed
/// writes, it held their commits for up to 8.8 s and HelloService answered 503s; taken at start it took 0.4–0.6 s,
/// and the checkpoints under load after it were snapshots only (docs/benchmarks.md). Clients that reconnect to a
/// restarted store can already write while it runs: it is taken before the store reports healthy, not always idle.
/// It loses nothing recovery kept: it truncates the append-only file only below what recovery replayed, and a
/// checkpoint that cannot be recovered stops the start (<see cref="GarnetHost"/>). What recovery itself drops
/// without failing is in docs/deployment.md.
/// </summary>
public static class GarnetFirstCheckpoint
{
    // Garnet's layout under its --checkpointdir: each checkpoint writes a folder here, named by its token.
    private static readonly string[] SnapshotFolder = ["checkpoints", "Store", "checkpoints", "cpr-checkpoints"];

    /// <summary>
    /// Takes the checkpoint, as an operator's <c>SAVE</c> would, and waits for it: a <c>SAVE</c> once sent is not
    /// abandoned. Returns how long it took, and whether a complete checkpoint was written (Garnet answers OK to a
    /// <c>SAVE</c> whose checkpoint failed, and logs why).
    /// </summary>
    public static async Task<(TimeSpan Took, bool Written)> TakeAsync(GarnetOptions options, string dataDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var before = Snapshots(dataDirectory);
        // A full checkpoint on a slow disk: give it the time that takes.
        var client = options.LocalClient("store-first-checkpoint", connectTimeoutMs: 10_000, asyncTimeoutMs: 120_000);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(client);
        cancellationToken.ThrowIfCancellationRequested();
        await connection.GetDatabase().ExecuteAsync("SAVE");
        // A checkpoint's folder appears as it starts; its info.dat is written last, once the rest is.
        return (Stopwatch.GetElapsedTime(started), Snapshots(dataDirectory).Except(before).Any(IsComplete));
    }

    /// <summary>Whether a checkpoint's folder holds its info.dat, which Garnet writes once the checkpoint is complete.</summary>
    private static bool IsComplete(string checkpointFolder) => Directory.EnumerateFiles(checkpointFolder, "info.dat*").Any();

    private static string[] Snapshots(string dataDirectory)
    {
        var folder = Path.Combine([dataDirectory, .. SnapshotFolder]);
        return Directory.Exists(folder) ? Directory.GetDirectories(folder) : [];
    }
}
