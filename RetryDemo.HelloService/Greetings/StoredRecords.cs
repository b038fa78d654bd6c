using System.Text.Json;

namespace RetryDemo.HelloService.Greetings;

/// <summary>The store's records as text, written and read in one place (<see cref="GreetingRecordJson"/>).</summary>
internal static class StoredRecords
{
    /// <summary>A key's record while a write holds it: who (the claim's token) and for which name.</summary>
    public static string Claim(IdempotencyClaim.New claim) =>
        Write(new IdempotencyRecord(IdempotencyRecord.Claimed, claim.Fingerprint, claim.Token, GreetingId: null));

    /// <summary>A key's record once its write committed: the greeting it names.</summary>
    public static string Committed(IdempotencyClaim.New claim, string greetingId) =>
        Write(new IdempotencyRecord(IdempotencyRecord.Committed, claim.Fingerprint, null, greetingId));

    public static string Greeting(Greeting greeting) => JsonSerializer.Serialize(StoredGreeting.Of(greeting), GreetingRecordJson.Stored.StoredGreeting);

    public static IdempotencyRecord ReadKey(string value) =>
        JsonSerializer.Deserialize(value, GreetingRecordJson.Stored.IdempotencyRecord) ?? throw new InvalidDataException("An idempotency record is empty.");

    public static Greeting ReadGreeting(string id, string json) =>
        (JsonSerializer.Deserialize(json, GreetingRecordJson.Stored.StoredGreeting) ?? throw new InvalidDataException("A stored greeting is empty.")).WithId(id);

    /// <summary>
    /// An index entry, as the scripts read it: <c>{written, Unix ms}:{greeting id}{key}</c>. The id's length is
    /// fixed (a GUID's 32 hex digits), so what follows it is the key, whatever characters the key holds.
    /// </summary>
    public static string IndexEntry(DateTimeOffset written, string greetingId, string? key) =>
        $"{written.ToUnixTimeMilliseconds()}:{greetingId}{key}";

    public static IndexEntry ReadIndexEntry(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        var written = long.Parse(entry.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture);
        var keyAt = colon + 1 + GreetingIdLength;
        return new IndexEntry(written, entry[(colon + 1)..keyAt], entry.Length > keyAt ? entry[keyAt..] : null);
    }

    private const int GreetingIdLength = 32;

    /// <summary>
    /// <see cref="ReadIndexEntry"/> in Lua, for the scripts that read entries to start with:
    /// <c>read_entry(entry)</c> returns when it was written (Unix ms), the greeting's id, and whether a key
    /// follows. 32 is <see cref="GreetingIdLength"/>.
    /// </summary>
    public const string ReadIndexEntryLua = """
        local function read_entry(entry)
          local colon = string.find(entry, ':', 1, true)
          return tonumber(string.sub(entry, 1, colon - 1)), string.sub(entry, colon + 1, colon + 32), #entry > colon + 32
        end

        """;

    /// <summary>
    /// A key's record once commit checks have closed requests on it (<see cref="IdempotencyRecord.Closed"/>), in
    /// Lua, as the scripts that add to it and honour it read and write it (merging a check's request with the ones
    /// already closed takes the store's side): <c>closed_for(record)</c> returns the closed requests' ids, or nil
    /// for any other record (or none); <c>closed_record(ids)</c> writes one. Written by hand, not by a JSON
    /// library: the fields are fixed, and a request id is letters, digits and <c>-_.:</c> only (RequestIds),
    /// which JSON needs no escaping for. <see cref="ReadKey"/> reads it like any other record.
    /// </summary>
    public const string ClosedRecordLua = """
        local closed_prefix = '{"state":"closed",'
        local function closed_for(record)
          if not record or string.sub(record, 1, #closed_prefix) ~= closed_prefix then return nil end
          local ids = {}
          for id in string.gmatch(string.match(record, '"closedFor":%[(.-)%]') or '', '"([^"]*)"') do ids[#ids + 1] = id end
          return ids
        end
        local function closed_record(ids)
          return closed_prefix .. '"fingerprint":"","closedFor":["' .. table.concat(ids, '","') .. '"]}'
        end

        """;

    private static string Write(IdempotencyRecord record) => JsonSerializer.Serialize(record, GreetingRecordJson.Stored.IdempotencyRecord);
}
