namespace RetryDemo.HelloService.Greetings;

/// <summary>The listing's read of the index (<see cref="Store.StoreKeys.IndexEntry"/>) as a server-side script: one round trip.</summary>
internal static class ListingScripts
{
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
    public const string List = StoredRecords.ReadIndexEntryLua + """
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
        local oldest, number, chunk, at = 0, first, 4, first
        if first == tonumber(ARGV[11]) and tonumber(ARGV[12]) > cutoff then oldest = tonumber(ARGV[12]) end
        while oldest == 0 and number <= math.min(taken, first + bound - 1) do
          local to = math.min(taken, first + bound - 1, number + chunk - 1)
          chunk = 256
          for i, entry in ipairs(read(number, to, 1)) do
            if entry then
              local written = read_entry(entry)
              if written > cutoff then oldest, at = written, number + i - 1 break end
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
            if entry and #ids < limit then
              local written, id = read_entry(entry)
              if written > cutoff then ids[#ids + 1] = id end
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
