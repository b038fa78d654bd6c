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
    /// KEYS: the greeting, the index's buckets, its count, this greeting's bucket, the listing's version, then
    /// the key's record when the write has a key. ARGV: the claim's record (or ''), the committed record, the
    /// greeting, the index member, the bucket's number, the lifetime (ms; the greeting's a second longer, so a
    /// key never outlives the greeting it names), then 'claim' and the lease (ms) for a write that claims its
    /// key as it writes. Writes the greeting, its key's outcome and its index entry together, and only if the
    /// key is this write's: for a claim made before, while the key still holds it; for a write that claims as
    /// it writes, when its <c>SET NX</c> (atomic by itself, even on a store that ran scripts without their
    /// transaction) takes the key, so a keyed write never leaves a claim behind. The buckets' set changes only
    /// when a bucket is new; a bucket leaves by eviction, which keeps the count right.
    /// The key's outcome is written last: Garnet 2.2.8's recovery after a <c>kill -9</c> can replay the first
    /// writes of a script cut by the crash without the rest, and a key must never name a greeting that is not
    /// there (a claim left without its outcome is freed by its lease). The listing's version is 'changing' from
    /// the first write on, and becomes this greeting's id after the index has changed, so a listing that reads
    /// the version first never files an older page under a newer version, and a cut write leaves 'changing',
    /// under which no replica keeps a page (<see cref="List"/>).
    /// Returns { 'written', the count, the oldest bucket }; { 'held', the key's record, its time left (ms) }
    /// when the key was someone else's; { 'lost' } when a claim made before no longer holds the key.
    /// </summary>
    public const string Commit = """
        if KEYS[6] then
          if ARGV[7] == 'claim' then
            if not redis.call('SET', KEYS[6], ARGV[1], 'NX', 'PX', ARGV[8]) then
              return { 'held', redis.call('GET', KEYS[6]), redis.call('PTTL', KEYS[6]) }
            end
          elseif redis.call('GET', KEYS[6]) ~= ARGV[1] then return { 'lost' } end
        end
        redis.call('SET', KEYS[5], 'changing')
        redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[6] + 1000)
        if redis.call('RPUSH', KEYS[4], ARGV[4]) == 1 then
          redis.call('ZADD', KEYS[2], ARGV[5], ARGV[5])
        end
        local count = redis.call('INCR', KEYS[3])
        redis.call('SET', KEYS[5], string.sub(ARGV[4], 1, 32))
        if KEYS[6] then redis.call('SET', KEYS[6], ARGV[2], 'PX', ARGV[6]) end
        return { 'written', count, redis.call('ZRANGE', KEYS[2], 0, 0)[1] }
        """;

    /// <summary>KEYS: the key's record. ARGV: the claim's record. Frees the key only if this claim still holds it.</summary>
    public const string Abandon = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>
    /// KEYS: the index's buckets, its count, the listing's version, the oldest bucket, then for each candidate its
    /// greeting and (when it has one) its key's record. ARGV: the capacity, the bucket's number, 1 if the bucket is past its
    /// lifetime, then the candidates: the bucket's first entries, as read. Removes from the front of the bucket
    /// as many of them as are over capacity (all of them, past the lifetime) with their records, but only if
    /// the bucket is still the oldest and still starts with them: two replicas evicting at once remove each
    /// entry once, and nothing under capacity leaves. A key's record goes with its greeting, unless the key has
    /// since been written again (its record then names another greeting). An emptied (or vanished) bucket
    /// leaves the index. The listing's version is 'changing' while it removes, then the last removed entry's
    /// (each entry is removed once), as in <see cref="Commit"/>.
    /// Returns { how many it removed, the count, the oldest bucket now }.
    /// </summary>
    public const string EvictOldest = """
        local count = tonumber(redis.call('GET', KEYS[2]) or '0')
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
        local n = #ARGV - 3
        if oldest ~= ARGV[2] then return { 0, count, oldest } end
        if n == 0 then
          if redis.call('LLEN', KEYS[4]) == 0 then redis.call('ZREM', KEYS[1], ARGV[2]) end
          return { 0, count, redis.call('ZRANGE', KEYS[1], 0, 0)[1] }
        end
        local head = redis.call('LRANGE', KEYS[4], 0, n - 1)
        if #head ~= n then return { 0, count, oldest } end
        for i = 1, n do
          if head[i] ~= ARGV[3 + i] then return { 0, count, oldest } end
        end
        local allowed = n
        if ARGV[3] ~= '1' then allowed = math.min(n, count - tonumber(ARGV[1])) end
        if allowed <= 0 then return { 0, count, oldest } end
        redis.call('SET', KEYS[3], 'changing')
        local k = 5
        for i = 1, allowed do
          local member = head[i]
          redis.call('DEL', KEYS[k])
          k = k + 1
          if #member > 32 then
            local value = redis.call('GET', KEYS[k])
            local id = string.sub(member, 1, 32)
            if value and (string.find(value, '"greetingId":"' .. id .. '"', 1, true) or string.find(value, '"id":"' .. id .. '"', 1, true)) then
              redis.call('DEL', KEYS[k])
            end
            k = k + 1
          end
        end
        redis.call('LTRIM', KEYS[4], allowed, -1)
        if redis.call('LLEN', KEYS[4]) == 0 then redis.call('ZREM', KEYS[1], ARGV[2]) end
        local left = redis.call('DECRBY', KEYS[2], allowed)
        redis.call('SET', KEYS[3], '-' .. string.sub(head[allowed], 1, 32))
        return { allowed, left, redis.call('ZRANGE', KEYS[1], 0, 0)[1] }
        """;

    /// <summary>
    /// No KEYS, so no transaction: a read that names the buckets and greetings it finds (which it cannot know
    /// beforehand) and locks nothing, as a listing of separate reads would. One round trip instead of four or
    /// more. ARGV: the index's buckets, its count, the bucket prefix, the greeting prefix, the last bucket past
    /// its lifetime, the page size, the most expired buckets to look at, the listing's version, the version of
    /// the page the caller holds (or ''). A version of 'changing' (a write cut by a crash) is answered as '',
    /// under which no replica keeps a page. Returns { the version } when that is still the version: nothing in
    /// the index has changed since, so the caller's page is current. Otherwise { the version, the count less
    /// the greetings in buckets past their lifetime that no write has evicted yet, the newest page's ids
    /// newest first, their records }. The version is read first and every write changes it after its other
    /// writes, so a page is never older than the version it comes with. Only a store standing still for
    /// longer than that many buckets leaves more expired ones, counted until a write evicts them: the listing
    /// never walks the whole store.
    /// </summary>
    public const string List = """
        local version = redis.call('GET', ARGV[8]) or ''
        if version == 'changing' then version = '' end
        if version ~= '' and version == ARGV[9] then return { version } end
        local count = tonumber(redis.call('GET', ARGV[2]) or '0')
        for _, bucket in ipairs(redis.call('ZRANGEBYSCORE', ARGV[1], '-inf', ARGV[5], 'LIMIT', 0, tonumber(ARGV[7]))) do
          count = count - redis.call('LLEN', ARGV[3] .. bucket)
        end
        local limit = tonumber(ARGV[6])
        local ids = {}
        for _, bucket in ipairs(redis.call('ZREVRANGEBYSCORE', ARGV[1], '+inf', '(' .. ARGV[5], 'LIMIT', 0, limit)) do
          local members = redis.call('LRANGE', ARGV[3] .. bucket, -(limit - #ids), -1)
          for i = #members, 1, -1 do ids[#ids + 1] = string.sub(members[i], 1, 32) end
          if #ids >= limit then break end
        end
        if #ids == 0 then return { version, math.max(count, 0), {}, {} } end
        local keys = {}
        for i, id in ipairs(ids) do keys[i] = ARGV[4] .. id end
        return { version, math.max(count, 0), ids, redis.call('MGET', unpack(keys)) }
        """;
}
