using System.Diagnostics;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Takes the store's first checkpoint (<c>SAVE</c>) at start, before its host listens. Garnet's first checkpoint
/// after a start is always a full one: it writes the whole hash index (512 MB at the default
/// <see cref="GarnetOptions.Index"/>) on the device the append-only file commits to. Left to come under keyed
/// writes, it held their commits for up to 8.8 s and HelloService answered 503s; taken idle it took 0.4 s, and
/// the checkpoints under load after it were snapshots only (docs/benchmarks.md).
/// A checkpoint truncates the append-only file, so it must not seal a recovery that went wrong. Two things make
/// that so: a recovery that fails stops the start (<c>--fail-on-recovery-error</c>, <see cref="GarnetHost"/>), and
/// what Garnet drops by design, a torn tail after a crash, the store's own first writes (its warm-up) overwrite
/// before this runs.
/// </summary>
public static class GarnetFirstCheckpoint
{
    /// <summary>Takes the checkpoint, as an operator's <c>SAVE</c> would; returns how long it took.</summary>
    public static async Task<TimeSpan> TakeAsync(GarnetOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var client = options.LocalClient("store-first-checkpoint");
        // A full checkpoint on a slow disk: give it the time that takes.
        client.ConnectTimeout = 10_000;
        client.AsyncTimeout = 120_000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(client);
        await connection.GetDatabase().ExecuteAsync("SAVE").WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }
}
