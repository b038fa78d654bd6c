using System.Diagnostics;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Runs each kind of work HelloService asks of the store once, before the store's host listens (so before its
/// health check, and whoever waits for it, sees it up): Garnet's first script loads its Lua runtime and compiles
/// the transaction path, and its first of each command compiles that. On a cold two-core machine under
/// load that first script took over a second, past HelloService's 1 s store timeout, and the request that met
/// it was answered 503. A client's own first script still compiles on its connection (about 15 ms), and a client
/// that reconnects to a restarted store can reach it in the half second before the warm-up is done.
/// </summary>
public static class GarnetWarmUp
{
    // What HelloService's scripts do (strings with expiry, counters, multi-key reads), inside a script in
    // transaction mode as HelloService runs them; removed again in the same step (each expires within a minute
    // should a crash replay only part of it). HelloService keeps strings only (StoreKeys.IndexEntry says why).
    public const string TouchEachCommand = """
        redis.call('SET', KEYS[1], '1', 'PX', 60000)
        redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], 60000)
        redis.call('SET', KEYS[2], '1', 'NX', 'PX', 60000)
        redis.call('DECR', KEYS[2])
        redis.call('PTTL', KEYS[2])
        redis.call('MGET', KEYS[1], KEYS[2])
        redis.call('EXISTS', KEYS[2])
        redis.call('DECRBY', KEYS[1], 2)
        return redis.call('DEL', KEYS[1], KEYS[2])
        """;

    // A script without KEYS (HelloService's listing) runs outside a transaction: another path.
    public const string ReadWithoutKeys = """
        return redis.call('MGET', ARGV[1], ARGV[2])
        """;

    /// <summary>Connects as HelloService does (with the password) and runs the warm-up; returns how long it took.</summary>
    public static async Task<TimeSpan> RunAsync(GarnetOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Cold is what this is for: give it the time a cold start takes.
        var client = options.LocalClient("store-warm-up", connectTimeoutMs: 10_000, asyncTimeoutMs: 30_000);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(client);
        var db = connection.GetDatabase();
        var prefix = $"retrydemo:store:warm-up:{Guid.NewGuid():N}:";
        RedisKey[] keys = [prefix + "counter", prefix + "claim"];
        await db.ScriptEvaluateAsync(TouchEachCommand, keys).WaitAsync(cancellationToken);
        await db.ScriptEvaluateAsync(ReadWithoutKeys, [], [keys[0].ToString(), keys[1].ToString()]).WaitAsync(cancellationToken);
        // Once more outside a script: plain commands take another path through the server.
        await db.StringGetAsync(keys).WaitAsync(cancellationToken);
        await db.StringGetAsync(keys[0]).WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }
}
