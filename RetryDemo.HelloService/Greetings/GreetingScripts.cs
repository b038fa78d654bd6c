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
    /// One or more writes together (<see cref="CommitBatches"/>). KEYS: the index's first number, its count, the
    /// listing's version, then for each write its greeting, its entry, and its key's record when it has a key.
    /// ARGV: the lease (ms), then eight for each write: its claim's record (or '' for a write without a key), its
    /// committed record, the greeting, the entry, the entry's number (taken from <see cref="StoreKeys.IndexNext"/>
    /// just before), 'claim' for a write that claims its key as it writes (else ''), the greeting's id, and what is
    /// left of its lifetime (ms; the greeting's a second longer, so a key never outlives the greeting it names).
    /// Writes each greeting, its key's outcome and its index entry together, and only if the key is the write's:
    /// for a claim made before, while the key still holds it; for a write that claims as it writes, when its
    /// <c>SET NX</c> (atomic by itself, even on a store that ran scripts without their transaction) takes the
    /// key, so a keyed write never leaves a claim behind. A number eviction has already passed (it passes gaps,
    /// and a number taken but not yet written is one) is not written: the write takes another.
    /// A key's outcome is written after its greeting and entry: Garnet 2.2.8's recovery after a <c>kill -9</c>
    /// can replay the first writes of a script cut by the crash without the rest, and a key must never name a
    /// greeting that is not there (a claim left without its outcome is freed by its lease). The listing's
    /// version is 'changing' from the first write on, and becomes the last greeting's id after the index has
    /// changed, so a listing that reads the version first never files an older page under a newer version, and a
    /// cut script leaves 'changing', under which no replica keeps a page (<see cref="ListingScripts.List"/>).
    /// Returns { the count (0 if nothing was written), the first number, the outcomes }, one for each write in order: 'written';
    /// { 'held', the key's record, its time left (ms) } when the key was someone else's; 'lost' when a claim
    /// made before no longer holds the key; 'passed' when eviction has passed the entry's number.
    /// </summary>
    public const string Commit = """
        local first = tonumber(redis.call('GET', KEYS[1]) or '1')
        local outcomes, count, last, k = {}, 0, nil, 4
        for a = 2, #ARGV, 8 do
          local claim, record, outcome = ARGV[a], nil, 'written'
          if claim ~= '' then record = KEYS[k + 2] end
          if tonumber(ARGV[a + 4]) < first then
            outcome = 'passed'
          elseif record and ARGV[a + 5] == 'claim' then
            if not redis.call('SET', record, claim, 'NX', 'PX', ARGV[1]) then
              outcome = { 'held', redis.call('GET', record), redis.call('PTTL', record) }
            end
          elseif record and redis.call('GET', record) ~= claim then
            outcome = 'lost'
          end
          if outcome == 'written' then
            if not last then redis.call('SET', KEYS[3], 'changing') end
            redis.call('SET', KEYS[k], ARGV[a + 2], 'PX', ARGV[a + 7] + 1000)
            redis.call('SET', KEYS[k + 1], ARGV[a + 3])
            count = redis.call('INCR', KEYS[2])
            last = ARGV[a + 6]
            if record then redis.call('SET', record, ARGV[a + 1], 'PX', ARGV[a + 7]) end
          end
          outcomes[#outcomes + 1] = outcome
          if record then k = k + 3 else k = k + 2 end
        end
        if last then redis.call('SET', KEYS[3], last) end
        return { count, first, outcomes }
        """;

    /// <summary>KEYS: the key's record. ARGV: the claim's record. Frees the key only if this claim still holds it.</summary>
    public const string Abandon = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
