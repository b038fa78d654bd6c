using System.Diagnostics;
using StackExchange.Redis;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// Runs each kind of work HelloService asks of the store once, before the store's host listens (so before its
/// health check, and whoever waits for it, sees it up): Garnet's first script loads its Lua runtime and compiles
/// the transaction path, and its first command on each data type compiles that. On a cold two-core machine under
/// load that first script took over a second, past HelloService's 1 s store timeout, and the request that met
/// it was answered 503. A client's own first script still compiles on its connection (about 15 ms), and a client
/// that reconnects to a restarted store can reach it in the half second before the warm-up is done.
/// </summary>
public static class GarnetWarmUp
{
    // Every data type HelloService's scripts touch (string with expiry, hash, list, sorted set), inside a script
    // in transaction mode as HelloService runs them; removed again in the same step (each expires within a
    // minute should a crash replay only part of it).
    public const string TouchEachType = """
        redis.call('SET', KEYS[1], '1', 'PX', 60000)
        redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], 60000)
        redis.call('HSET', KEYS[2], 'f', '1')
        redis.call('PEXPIRE', KEYS[2], 60000)
        redis.call('HMGET', KEYS[2], 'f', 'g')
        redis.call('RPUSH', KEYS[3], '1')
        redis.call('PEXPIRE', KEYS[3], 60000)
        redis.call('LRANGE', KEYS[3], 0, -1)
        redis.call('ZADD', KEYS[4], 1, 'm')
        redis.call('PEXPIRE', KEYS[4], 60000)
        redis.call('ZRANGEBYSCORE', KEYS[4], 0, 2)
        return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        """;

    /// <summary>Connects as HelloService does (with the password) and runs the warm-up; returns how long it took.</summary>
    public static async Task<TimeSpan> RunAsync(GarnetOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var client = options.LocalClient("store-warm-up");
        // Cold is what this is for: give it the time a cold start takes.
        client.ConnectTimeout = 10_000;
        client.AsyncTimeout = 30_000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(client);
        var db = connection.GetDatabase();
        var prefix = $"retrydemo:store:warm-up:{Guid.NewGuid():N}:";
        RedisKey[] keys = [prefix + "string", prefix + "hash", prefix + "list", prefix + "sorted"];
        await db.ScriptEvaluateAsync(TouchEachType, keys).WaitAsync(cancellationToken);
        // The same types once more outside a script: plain commands take another path through the server.
        await db.HashGetAsync(keys[1], ["f", "g"]).WaitAsync(cancellationToken);
        await db.SortedSetRangeByScoreAsync(keys[3], 0, 2).WaitAsync(cancellationToken);
        await db.StringGetAsync(keys[0]).WaitAsync(cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }
}
