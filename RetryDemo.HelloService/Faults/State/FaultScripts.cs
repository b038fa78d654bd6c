namespace RetryDemo.HelloService.Faults.State;

/// <summary>The fault state's steps that read and write together, each one atomic script on the server.</summary>
internal static class FaultScripts
{
    /// <summary>KEYS: the request's attempt counter. ARGV: its lifetime (ms). Counts this attempt and keeps the count alive: one step.</summary>
    public const string CountAttempt = """
        local n = redis.call('INCR', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return n
        """;

    /// <summary>
    /// KEYS: the outage, what is left of "fail next", its status, its Retry-After. Takes one "fail next" failure
    /// when there is no outage and one is left, and returns its status and Retry-After together with the take;
    /// otherwise nil.
    /// </summary>
    public const string TakeFailNext = """
        local state = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        local left = tonumber(state[2])
        if state[1] or not left or left <= 0 then return nil end
        redis.call('DECR', KEYS[2])
        return { state[3], state[4] }
        """;

    /// <summary>
    /// KEYS: what is left of "fail next", its status, its Retry-After. ARGV: the three. Sets them in one step: the
    /// store runs a script as a transaction over its KEYS, and <see cref="TakeFailNext"/> locks the same keys,
    /// so a take never pairs one spec's status with another's Retry-After (Garnet's MSET is not one step). The
    /// count goes last, so a script cut by a crash and replayed in part never arms the old spec.
    /// </summary>
    public const string SetFailNext = """
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[3], ARGV[3])
        redis.call('SET', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>KEYS: the outage, "fail next" as in <see cref="SetFailNext"/>, the seeded rolls. Clears them in one step (a multi-key DEL is not one step in Garnet).</summary>
    public const string Reset = """
        return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        """;

    /// <summary>KEYS: the outage, then "fail next" as in <see cref="SetFailNext"/>. The four read in one step, so an operator never sees half a spec.</summary>
    public const string Read = """
        return redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        """;
}
