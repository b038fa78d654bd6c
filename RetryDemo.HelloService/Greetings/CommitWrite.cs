namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// One write for <see cref="CommitBatches"/>: the greeting (its id, its record, when it was written) and its index
/// entry, and the key's claim when it has a key, made before or (<paramref name="ClaimsAsItWrites"/>) by this write.
/// </summary>
internal sealed record CommitWrite(string GreetingId, string GreetingRecord, DateTimeOffset Written, string Entry, IdempotencyClaim.New? Claim, bool ClaimsAsItWrites);
