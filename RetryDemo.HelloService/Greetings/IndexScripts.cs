namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// The index's own steps as server-side scripts (<see cref="Store.StoreKeys.IndexEntry"/>): eviction, atomic over
/// the keys it names, and the listing, a read in one round trip. A commit adds to the index in
/// <see cref="GreetingScripts.Commit"/>.
/// </summary>
internal static class IndexScripts
{
    /// <summary>
    /// KEYS: the index's first number, its next, its count, the listing's version, then for each candidate its
    /// entry and, when it has one, its greeting and (when the entry has a key) its key's record. ARGV: the
    /// capacity, the first number as read, the lifetime's cutoff (Unix ms: written at or before it is past it),
    /// then the candidates: the entries from the first number up, as read ('' for a gap). An entry is written
    /// once and leaves only by eviction, which moves the first number past it, so while the first number is as
    /// read the entries read are still there (only a gap can have been written since: a write that was under
    /// way); not reading them again spares a read from disk per entry. From the first number
    /// up, while each gap is still one: passes gaps (numbers taken by writes that wrote nothing), and
    /// removes entries, with their greetings and records, while the index is over capacity or they are past
    /// their lifetime; stops at the first that is neither, and never passes a number not yet taken. So two
    /// replicas evicting at once remove each entry once, and nothing under capacity leaves. A key's record goes
    /// with its greeting, unless the key has since been written again (its record then names another greeting).
    /// It decides first, reading only, then writes in an order any prefix of which is safe (Garnet's recovery
    /// after a <c>kill -9</c> can replay the first writes of a cut script without the rest): the listing's
    /// version 'changing', the count, the first number, then for each entry its key's record before its
    /// greeting, so a key never names a greeting gone, and the entry last; a cut leaves at most the count off
    /// by one step, greetings and records that expire by themselves, and entries below the first number, which
    /// nothing reads again.
    /// The version ends as the last removed entry's (each entry is removed once), as in
    /// <see cref="GreetingScripts.Commit"/>. Returns { the count, the first number now, when the entry it
    /// stopped at was written (Unix ms), or 0 if it did not stop at one }.
    /// </summary>
    public const string EvictOldest = """
        local first = tonumber(redis.call('GET', KEYS[1]) or '1')
        local count = tonumber(redis.call('GET', KEYS[3]) or '0')
        if first ~= tonumber(ARGV[2]) then return { count, first, 0 } end
        local taken = tonumber(redis.call('GET', KEYS[2]) or '0')
        local over = count - tonumber(ARGV[1])
        local cutoff = tonumber(ARGV[3])
        local number, k, stopped, gone = first, 5, 0, {}
        for i = 4, #ARGV do
          if number > taken then break end
          local entry = ARGV[i]
          if entry == '' then
            if redis.call('EXISTS', KEYS[k]) == 1 then break end
            k = k + 1
          else
            local colon = string.find(entry, ':', 1, true)
            local written = tonumber(string.sub(entry, 1, colon - 1))
            if #gone >= over and written > cutoff then stopped = written break end
            local id, record = string.sub(entry, colon + 1, colon + 32), nil
            if #entry > colon + 32 then
              local value = redis.call('GET', KEYS[k + 2])
              if value and (string.find(value, '"greetingId":"' .. id .. '"', 1, true) or string.find(value, '"id":"' .. id .. '"', 1, true)) then
                record = k + 2
              end
              gone[#gone + 1] = { k, record, id }
              k = k + 3
            else
              gone[#gone + 1] = { k, nil, id }
              k = k + 2
            end
          end
          number = number + 1
        end
        if number == first then return { count, first, stopped } end
        if #gone > 0 then
          redis.call('SET', KEYS[4], 'changing')
          count = redis.call('DECRBY', KEYS[3], #gone)
        end
        redis.call('SET', KEYS[1], number)
        for _, g in ipairs(gone) do
          if g[2] then redis.call('DEL', KEYS[g[2]]) end
          redis.call('DEL', KEYS[g[1] + 1], KEYS[g[1]])
        end
        if #gone > 0 then redis.call('SET', KEYS[4], '-' .. gone[#gone][3]) end
        return { count, number, stopped }
        """;

    /// <summary>
    /// No KEYS, so no transaction: a read that names the entries and greetings it finds (which it cannot know
    /// beforehand) and locks nothing, as a listing of separate reads would. One round trip instead of several.
    /// ARGV: the index's first number, its next, its count, the entry prefix, the greeting prefix, the
    /// lifetime's cutoff (Unix ms), the page size, the most numbers to read from either end, the listing's
    /// version, the version of the page the caller holds (or ''), then the number of the oldest greeting
    /// counted and when it was written as the caller last had them (or 0, 0): the oldest end is on disk, and
    /// while that greeting is still the first number, and not past its lifetime, it is not read again (after
    /// greetings past theirs, it is: they must leave the count each time). A version of 'changing' (a write cut by a
    /// crash) is answered as '', under which no replica keeps a page. Returns { the version } when that is still
    /// the version: nothing in the index has changed since, so the caller's page is current. Otherwise { the
    /// version, the count less the greetings past their lifetime that no write has evicted yet, the newest
    /// page's ids newest first, their records, when the oldest greeting counted was written (Unix ms; -1 when
    /// none is left, 0 when the read stopped at its bound first), that greeting's number }: until its lifetime ends, the
    /// page and count change only with the version. The version is read first and every write changes it after
    /// its other writes, so a page is never older than the version it comes with. Each end reads at most that
    /// many numbers: the listing never walks the whole store, and only a store standing still for longer than
    /// that many writes' lifetimes counts more that have passed theirs, until a write evicts them.
    /// </summary>
    public const string List = """
        local version = redis.call('GET', ARGV[9]) or ''
        if version == 'changing' then version = '' end
        if version ~= '' and version == ARGV[10] then return { version } end
        local first = tonumber(redis.call('GET', ARGV[1]) or '1')
        local taken = tonumber(redis.call('GET', ARGV[2]) or '0')
        local count = tonumber(redis.call('GET', ARGV[3]) or '0')
        local cutoff, limit, bound = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
        local function read(from, to, step)
          local keys = {}
          for number = from, to, step do keys[#keys + 1] = ARGV[4] .. number end
          if #keys == 0 then return {} end
          return redis.call('MGET', unpack(keys))
        end
        local function written(entry) return tonumber(string.sub(entry, 1, string.find(entry, ':', 1, true) - 1)) end
        local oldest, number, chunk, at = 0, first, 4, first
        if first == tonumber(ARGV[11]) and tonumber(ARGV[12]) > cutoff then oldest = tonumber(ARGV[12]) end
        while oldest == 0 and number <= math.min(taken, first + bound - 1) do
          local to = math.min(taken, first + bound - 1, number + chunk - 1)
          chunk = 256
          for i, entry in ipairs(read(number, to, 1)) do
            if entry then
              if written(entry) > cutoff then oldest, at = written(entry), number + i - 1 break end
              count = count - 1
            end
          end
          number = to + 1
        end
        if oldest == 0 and number > taken then oldest = -1 end
        local ids = {}
        number = taken
        local floor = math.max(first, taken - bound + 1)
        while #ids < limit and number >= floor do
          local to = math.max(floor, number - (limit - #ids) - 15)
          for _, entry in ipairs(read(number, to, -1)) do
            if entry and written(entry) > cutoff and #ids < limit then
              local colon = string.find(entry, ':', 1, true)
              ids[#ids + 1] = string.sub(entry, colon + 1, colon + 32)
            end
          end
          number = to - 1
        end
        if #ids == 0 then return { version, math.max(count, 0), {}, {}, oldest, at } end
        local keys = {}
        for i, id in ipairs(ids) do keys[i] = ARGV[5] .. id end
        return { version, math.max(count, 0), ids, redis.call('MGET', unpack(keys)), oldest, at }
        """;
}
