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
    /// otherwise returns what holds it and for how much longer (ms), so a 409 can say when to come back. (A claim
    /// made before its commit carries no request, so requests commit checks closed do not stop it: HelloService's
    /// keyed write claims as it commits, which they do.)
    /// </summary>
    public const string Claim = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return nil end
        return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }
        """;

    /// <summary>
    /// KEYS: the greeting, the index's first number, its count, this write's entry, the listing's version, the
    /// index's next number, then, when the write has a key, the key's record and the requests commit checks closed
    /// on it. ARGV: the claim's record (or ''), the committed record, the greeting, the entry, the entry's number
    /// (taken from <see cref="StoreKeys.IndexNext"/> less than a second before), the lifetime (ms; the greeting's
    /// a second longer, so a key never outlives the greeting it names), then 'claim' and the lease (ms) for a write
    /// that claims its key as it writes, then the greeting's id, then the write's request (its X-Request-Id, or '').
    /// Writes the greeting, its key's outcome and its index entry together, and only if the key is this
    /// write's: for a claim made before, while the key still holds it; for a write that claims as it writes,
    /// when its <c>SET NX</c> takes the key, so a keyed write never leaves a claim behind; but never for a request
    /// a commit check closed on the key while nothing held it (<see cref="CheckAndClose"/>): that request was told
    /// its write was not committed. Every other request writes as if the key had never been checked. A number that
    /// is not the write's to use is not written under, and the write takes another: one eviction has already
    /// passed (it passes gaps, and a number taken but not yet written is one), one above the next number (the
    /// store lost its taking in a crash: another replica will take it), or one whose entry is there (taken again
    /// after such a loss, and written first by the other).
    /// The key's outcome is written last: Garnet 2.2.8's recovery after a <c>kill -9</c> can replay the first
    /// writes of a script cut by the crash without the rest, and a key must never name a greeting that is not
    /// there (a claim left without its outcome is freed by its lease). The listing's version is 'changing' from
    /// the first write on, and becomes this greeting's id after the index has changed, so a listing that reads
    /// the version first never files an older page under a newer version, and a cut write leaves 'changing',
    /// under which no replica keeps a page (<see cref="ListingScripts.List"/>).
    /// Returns { 'written', the count, the first number }; { 'held', the key's record, its time left (ms) }
    /// when the key was someone else's; { 'lost' } when a claim made before no longer holds the key; { 'closed' }
    /// when a commit check closed this write's request;
    /// { 'renumber' } when the entry's number is not the write's to use.
    /// </summary>
    public const string Commit = StoredRecords.ClosedRequestsLua + """
        local first, number = tonumber(redis.call('GET', KEYS[2]) or '1'), tonumber(ARGV[5])
        if number < first or number > tonumber(redis.call('GET', KEYS[6]) or '0') or redis.call('EXISTS', KEYS[4]) == 1 then
          return { 'renumber' }
        end
        if KEYS[7] then
          if ARGV[7] == 'claim' then
            local closed = ARGV[10] ~= '' and redis.call('GET', KEYS[8])
            if closed and redis.call('EXISTS', KEYS[7]) == 0 then
              for _, id in ipairs(closed_requests(closed)) do
                if id == ARGV[10] then return { 'closed' } end
              end
            end
            if not redis.call('SET', KEYS[7], ARGV[1], 'NX', 'PX', ARGV[8]) then
              return { 'held', redis.call('GET', KEYS[7]), redis.call('PTTL', KEYS[7]) }
            end
          elseif redis.call('GET', KEYS[7]) ~= ARGV[1] then return { 'lost' } end
        end
        redis.call('SET', KEYS[5], 'changing')
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[6] + 1000)
        redis.call('SET', KEYS[4], ARGV[4])
        local count = redis.call('INCR', KEYS[3])
        redis.call('SET', KEYS[5], ARGV[9])
        if KEYS[7] then redis.call('SET', KEYS[7], ARGV[2], 'PX', ARGV[6]) end
        return { 'written', count, first }
        """;

    /// <summary>
    /// The commit check that closes what it finds not written. KEYS: the key's record, the requests closed on the
    /// key. ARGV: the checking request's id, how long the closing lasts (ms), the most requests one key keeps
    /// closed. Returns the key's record when there is one (a claim or a commit); otherwise adds this request to
    /// those closed on the key, the newest last, for the closing's time from now, and returns nil: from then on a
    /// write of this request that arrives late, such as a script the store runs after its client stopped waiting
    /// for it, writes nothing while the key is free (<see cref="Commit"/>). One write, so a cut script leaves all
    /// of it or none.
    /// </summary>
    public const string CheckAndClose = StoredRecords.ClosedRequestsLua + """
        local record = redis.call('GET', KEYS[1])
        if record then return record end
        local ids = {}
        for _, id in ipairs(closed_requests(redis.call('GET', KEYS[2]))) do
          if id ~= ARGV[1] then ids[#ids + 1] = id end
        end
        ids[#ids + 1] = ARGV[1]
        while #ids > tonumber(ARGV[3]) do table.remove(ids, 1) end
        redis.call('SET', KEYS[2], closed_record(ids), 'PX', ARGV[2])
        return nil
        """;

    /// <summary>KEYS: the key's record. ARGV: the claim's record. Frees the key only if this claim still holds it.</summary>
    public const string Abandon = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
