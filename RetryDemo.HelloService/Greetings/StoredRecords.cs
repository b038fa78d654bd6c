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
    /// The requests commit checks closed on a key (<see cref="Store.StoreKeys.ClosedRequests"/>), in Lua, as the
    /// scripts that add to them and honour them read and write them (merging a check's request with those already
    /// closed takes the store's side): <c>closed_requests(record)</c> returns the ids (none for no record),
    /// <c>closed_record(ids)</c> writes them. By hand, not by a JSON library: the one field is fixed, and a request
    /// id is letters, digits and <c>-_.:</c> only (RequestIds), which JSON needs no escaping for.
    /// </summary>
    public const string ClosedRequestsLua = """
        local function closed_requests(record)
          local ids = {}
          for id in string.gmatch(string.match(record or '', '"closedFor":%[(.-)%]') or '', '"([^"]*)"') do ids[#ids + 1] = id end
          return ids
        end
        local function closed_record(ids)
          return '{"closedFor":["' .. table.concat(ids, '","') .. '"]}'
        end

        """;

    private static string Write(IdempotencyRecord record) => JsonSerializer.Serialize(record, GreetingRecordJson.Stored.IdempotencyRecord);
}
