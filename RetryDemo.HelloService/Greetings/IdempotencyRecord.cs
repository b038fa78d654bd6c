namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// What the store keeps under an Idempotency-Key: a claim while its request is between claim and
/// commit, then the committed outcome, with the greeting itself so a replay reads one record.
/// </summary>
/// <param name="Fingerprint">The SHA-256 of the trimmed name the key was used for.</param>
/// <param name="Token">The claim's own id while <see cref="State"/> is <see cref="Claimed"/>: only its holder commits or abandons it.</param>
public sealed record IdempotencyRecord(string State, string Fingerprint, string? Token, Greeting? Greeting)
{
    public const string Claimed = "claimed";
    public const string Committed = "committed";
}
