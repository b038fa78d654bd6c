using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Each step of a keyed write as one server-side script, so it is atomic on the server: the store runs a
/// script as a transaction over the keys it names (Garnet: <c>--lua-transaction-mode</c>; Redis always), and
/// every key a script touches is passed in KEYS. StackExchange.Redis sends each by its SHA once loaded.
/// </summary>
internal static class GreetingScripts
{
    /// <summary>
    /// KEYS: the key's record. ARGV: the claim's record, the lease (ms). Takes the key when nobody holds it;
    /// otherwise returns what holds it and for how much longer (ms), so a 409 can say when to come back.
    /// </summary>
    public const string Claim = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return nil end
        return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>
    /// KEYS: the greeting, the index, then the key's record when the write has a key. ARGV: the claim's
    /// record (or ''), the committed record, the greeting, the index member, its score (µs), the lifetime (ms),
    /// the expiry cutoff (score). Writes the greeting, its key's outcome and its index entry together, only
    /// while the claim is still this request's; drops expired index entries. Scores only grow, so two writes
    /// in one millisecond (or from a replica whose clock lags) still leave in the order they came. Returns
    /// the index's size, or -1.
    /// </summary>
    public const string Commit = """
        if KEYS[3] then
          if redis.call('GET', KEYS[3]) ~= ARGV[1] then return -1 end
          redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[6])
        end
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[6])
        local score = tonumber(ARGV[5])
        local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
        if newest[2] and tonumber(newest[2]) >= score then score = tonumber(newest[2]) + 1 end
        redis.call('ZADD', KEYS[2], score, ARGV[4])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[7])
        return redis.call('ZCARD', KEYS[2])
        """;

    /// <summary>KEYS: the key's record. ARGV: the claim's record. Frees the key only if this claim still holds it.</summary>
    public const string Abandon = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>
    /// KEYS: the index, then for each candidate its greeting and (when it has one) its key's record. ARGV:
    /// the capacity, then the candidates' index members, oldest first. Removes candidates still in the index,
    /// oldest first, but never more than are over capacity now — so two replicas evicting at once remove
    /// each entry once and nothing under capacity. A key's record goes with its greeting, unless the key has
    /// since been written again (its record then names another greeting). Returns how many it removed.
    /// </summary>
    public const string Evict = """
        local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
        local removed = 0
        local k = 2
        for i = 2, #ARGV do
          local member = ARGV[i]
          local greeting = KEYS[k]
          k = k + 1
          local record = nil
          if #member > 32 then
            record = KEYS[k]
            k = k + 1
          end
          if removed < over and redis.call('ZSCORE', KEYS[1], member) then
            redis.call('ZREM', KEYS[1], member)
            redis.call('DEL', greeting)
            if record then
              local value = redis.call('GET', record)
              if value and string.find(value, '"id":"' .. string.sub(member, 1, 32) .. '"', 1, true) then
                redis.call('DEL', record)
              end
            end
            removed = removed + 1
          end
        end
        return removed
        """;

}
