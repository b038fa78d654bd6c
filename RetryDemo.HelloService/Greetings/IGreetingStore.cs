namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and the outcome recorded per Idempotency-Key. A claim is atomic, and a commit succeeds
/// only for the claim that still holds the key, so a key is either committed with its greeting or free
/// to be tried again — never both, never half. Bounded as <see cref="Store.StateRetention"/> says.
/// </summary>
public interface IGreetingStore
{
    ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken);

    /// <returns>The new greeting; null when <paramref name="claim"/> no longer holds its key (its lease ran out).</returns>
    ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken);

    /// <summary>Gives up a claim whose write never happened, so a retry can make it.</summary>
    ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken);

    ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// What became of a key: <see cref="IdempotencyClaim.Committed"/>, <see cref="IdempotencyClaim.InProgress"/>
    /// (claimed, not yet committed: it may still commit), <see cref="IdempotencyClaim.Mismatch"/> (committed or
    /// claimed for another payload than <paramref name="fingerprint"/>), or null when nothing holds it.
    /// </summary>
    ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken);

    /// <summary>How many greetings are kept, and the newest <paramref name="limit"/> of them, newest first.</summary>
    ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken);
}
