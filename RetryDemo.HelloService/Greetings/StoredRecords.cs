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

    private static string Write(IdempotencyRecord record) => JsonSerializer.Serialize(record, GreetingRecordJson.Stored.IdempotencyRecord);
}
