namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Eviction from the index (<see cref="Store.StoreKeys.IndexEntry"/>) as a server-side script, atomic over the keys
/// it names. A commit adds to the index in <see cref="GreetingScripts.Commit"/>; <see cref="ListingScripts.List"/> reads it.
/// </summary>
internal static class IndexScripts
{
    /// <summary>
    /// KEYS: the index's first number, its next, its count, the listing's version, then for each candidate its
    /// entry and, when it has one, its greeting and (when the entry has a key) its key's record. ARGV: the
    /// capacity, the first number as read, the lifetime's cutoff (Unix ms: written at or before it is past it),
    /// the clocks' margin (ms), then the candidates: the entries from the first number up, as read ('' for a gap). An entry is written
    /// once and leaves only by eviction, which moves the first number past it, so while the first number is as
    /// read the entries read are still there (only a gap can have been written since: a write that was under
    /// way); not reading them again spares a read from disk per entry. From the first number
    /// up, while each gap is still one: passes gaps (numbers taken by writes that wrote nothing), and
    /// removes entries, with their greetings and records, while the index is over capacity or they are past
    /// their lifetime; stops at the first that is neither, and never passes a number not yet taken. So two
    /// replicas evicting at once remove each entry once, and nothing under capacity leaves. A key's record goes
    /// with its greeting, unless the key has since been written again (its record then names another greeting),
    /// which only a record past its own lifetime can be: an entry younger than the lifetime by more than the
    /// clocks' margin takes its record unread; one past its lifetime leaves it to expire (it lives as long); only
    /// one in between is read. Reads of records inside the script are reads from disk while it holds the
    /// index's keys, which every commit also takes: past capacity they held writes to a few hundred a second.
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
    public const string EvictOldest = StoredRecords.ReadIndexEntryLua + """
        local first = tonumber(redis.call('GET', KEYS[1]) or '1')
        local count = tonumber(redis.call('GET', KEYS[3]) or '0')
        if first ~= tonumber(ARGV[2]) then return { count, first, 0 } end
        local taken = tonumber(redis.call('GET', KEYS[2]) or '0')
        local over = count - tonumber(ARGV[1])
        local cutoff = tonumber(ARGV[3])
        local number, k, stopped, gone = first, 5, 0, {}
        for i = 5, #ARGV do
          if number > taken then break end
          local entry = ARGV[i]
          if entry == '' then
            if redis.call('EXISTS', KEYS[k]) == 1 then break end
            k = k + 1
          else
            local written, id, keyed = read_entry(entry)
            if #gone >= over and written > cutoff then stopped = written break end
            local record = nil
            if keyed then
              if written > cutoff + tonumber(ARGV[4]) then
                record = k + 2
              elseif written > cutoff then
                local value = redis.call('GET', KEYS[k + 2])
                if value and (string.find(value, '"greetingId":"' .. id .. '"', 1, true) or string.find(value, '"id":"' .. id .. '"', 1, true)) then
                  record = k + 2
                end
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
}
