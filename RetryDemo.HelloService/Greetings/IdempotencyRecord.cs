namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// What the store keeps under an Idempotency-Key: a claim while its request is between claim and
/// commit, then the committed outcome, naming its greeting (the greeting's own record holds the name, so
/// the name is stored once). Records written before that change hold the greeting itself, and still read.
/// </summary>
/// <param name="Fingerprint">The SHA-256 of the trimmed name the key was used for.</param>
/// <param name="Token">The claim's own id while <see cref="State"/> is <see cref="Claimed"/>: only its holder commits or abandons it.</param>
/// <param name="GreetingId">The committed greeting's id.</param>
/// <param name="Greeting">The committed greeting itself, in records written before <paramref name="GreetingId"/>.</param>
public sealed record IdempotencyRecord(string State, string Fingerprint, string? Token, string? GreetingId, Greeting? Greeting = null)
{
    public const string Claimed = "claimed";
    public const string Committed = "committed";
}
