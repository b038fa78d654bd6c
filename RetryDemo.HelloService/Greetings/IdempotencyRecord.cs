namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// What the store keeps under an Idempotency-Key: a claim while its request is between claim and
/// commit, then the committed outcome, naming its greeting (the greeting's own record holds the name, so
/// the name is stored once). Records written before that change hold the greeting itself, and still read.
/// Or, where nothing was committed, the requests a commit check has closed (<see cref="Closed"/>).
/// </summary>
/// <param name="Fingerprint">The SHA-256 of the trimmed name the key was used for.</param>
/// <param name="Token">The claim's own id while <see cref="State"/> is <see cref="Claimed"/>: only its holder commits or abandons it.</param>
/// <param name="GreetingId">The committed greeting's id.</param>
/// <param name="Greeting">The committed greeting itself, in records written before <paramref name="GreetingId"/>.</param>
/// <param name="ClosedFor">While <see cref="Closed"/>: the requests (their X-Request-Id) whose writes with this key may no longer land.</param>
public sealed record IdempotencyRecord(string State, string Fingerprint, string? Token, string? GreetingId, Greeting? Greeting = null, IReadOnlyList<string>? ClosedFor = null)
{
    public const string Claimed = "claimed";
    public const string Committed = "committed";

    /// <summary>
    /// Nothing holds the key, and a commit check has told the requests in <see cref="ClosedFor"/> so: a write of
    /// theirs that arrives late (a script the store runs after the check) writes nothing. Any other request's
    /// write takes the key as if it were free.
    /// </summary>
    public const string Closed = "closed";

    /// <summary>How many requests one key keeps closed, the newest: a caller that retries a failed call adds one more each time.</summary>
    public const int MostRequestsClosed = 8;
}
