namespace RetryDemo.HelloService.Greetings;

/// <summary>What claiming an Idempotency-Key found.</summary>
public abstract record IdempotencyClaim
{
    private IdempotencyClaim()
    {
    }

    /// <summary>The key is this request's to commit; <paramref name="Token"/> proves it at commit or abandon.</summary>
    public sealed record New(string Key, string Fingerprint, string Token) : IdempotencyClaim;

    /// <summary>The key was committed for the same payload: replay its greeting.</summary>
    public sealed record Committed(Greeting Greeting) : IdempotencyClaim;

    /// <summary>An earlier request with the key and the same payload is still between claim and commit.</summary>
    /// <param name="LeaseLeft">How long its claim holds the key at most, unless committed or abandoned first.</param>
    public sealed record InProgress(TimeSpan LeaseLeft = default) : IdempotencyClaim;

    /// <summary>
    /// A commit check already told this request its write was not committed (<see cref="IGreetingStore.FindByKeyAndCloseAsync"/>):
    /// this late attempt of it writes nothing, so what the check said stays true.
    /// </summary>
    public sealed record Closed : IdempotencyClaim
    {
        /// <summary>How many requests one key keeps closed, the newest: a caller that retries a failed call adds one each time.</summary>
        public const int MostPerKey = 8;
    }

    /// <summary>The key belongs to a different payload.</summary>
    public sealed record Mismatch : IdempotencyClaim;
}
