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

    /// <summary>
    /// Claims <paramref name="key"/> and, if the claim took it, commits: what the claim found, and the new greeting
    /// when it was this request's (null then if the claim ran out first). A store that can does both in one
    /// round trip; the commit still writes only for the claim that holds the key. A write of a request that a
    /// commit check closed (<see cref="FindByKeyAndCloseAsync"/>) finds <see cref="IdempotencyClaim.Closed"/>.
    /// </summary>
    /// <param name="requestId">The logical request this write is an attempt of (its X-Request-Id), when it has one.</param>
    ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, string? requestId, CancellationToken cancellationToken);

    /// <summary>A keyed write that is no request's attempt: nothing a commit check closed can stop it.</summary>
    ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, CancellationToken cancellationToken) =>
        ClaimAndCommitAsync(name, key, fingerprint, null, cancellationToken);

    /// <summary>Gives up a claim whose write never happened, so a retry can make it.</summary>
    ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken);

    ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// What became of a key: <see cref="IdempotencyClaim.Committed"/>, <see cref="IdempotencyClaim.InProgress"/>
    /// (claimed, not yet committed: it may still commit), <see cref="IdempotencyClaim.Mismatch"/> (committed or
    /// claimed for another payload than <paramref name="fingerprint"/>), or null when nothing holds it.
    /// </summary>
    ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// The commit check of a request that gave up: <see cref="FindByKeyAsync"/>, and, when nothing holds the key,
    /// closes it to <paramref name="requestId"/> in the same step, for <see cref="Store.StateRetention.ClosedRequestLifetime"/>.
    /// An attempt of that request still on its way (its write reaching the store after the check) then writes
    /// nothing, so the check's "not committed" stays true; any other request's write takes the key as a free one.
    /// </summary>
    ValueTask<IdempotencyClaim?> FindByKeyAndCloseAsync(string key, string? fingerprint, string requestId, CancellationToken cancellationToken);

    /// <summary>How many greetings are kept, and the newest <paramref name="limit"/> of them, newest first.</summary>
    ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken);
}
