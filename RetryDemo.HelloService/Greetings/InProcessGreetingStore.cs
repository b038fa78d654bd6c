using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and idempotency records in this process: right for one instance only (standalone,
/// without a store). Greetings are kept in creation order, so the oldest leave first — by age or when
/// over capacity — each with its key, and the newest page is read from the end, without a scan or a sort.
/// </summary>
public sealed class InProcessGreetingStore : IGreetingStore
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly StateRetention _retention;
    private readonly AgeOrderedMap<KeyedGreeting> _greetings;
    private readonly Dictionary<string, KeyedGreeting> _keys = [];
    private readonly Dictionary<string, (IdempotencyClaim.New Claim, DateTimeOffset Until)> _claims = [];
    private readonly ClosedRequests _closed;

    public InProcessGreetingStore(TimeProvider timeProvider, StateRetention retention)
    {
        _timeProvider = timeProvider;
        _retention = retention;
        _closed = new ClosedRequests(retention);
        _greetings = new AgeOrderedMap<KeyedGreeting>(retention.Capacity, removed =>
        {
            // A key leaves with its greeting.
            if (removed.Key is { } key && _keys.TryGetValue(key, out var current) && current == removed)
            {
                _keys.Remove(key);
            }
        });
    }

    private DateTimeOffset Now => _timeProvider.GetUtcNow();

    public ValueTask<IdempotencyClaim> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken) => ValueTask.FromResult(Claim(key, fingerprint));

    public ValueTask<Greeting?> CommitAsync(string name, IdempotencyClaim.New? claim, CancellationToken cancellationToken) => ValueTask.FromResult(Commit(name, claim));

    // Under the one lock (reentrant: the claim and the commit take it again), so nothing comes between them.
    public ValueTask<(IdempotencyClaim Claim, Greeting? Created)> ClaimAndCommitAsync(string name, string key, string fingerprint, string? requestId, CancellationToken cancellationToken) =>
        Locked(() => Claim(key, fingerprint, requestId) is var claim && claim is IdempotencyClaim.New held ? (claim, Commit(name, held)) : (claim, (Greeting?)null));

    private IdempotencyClaim Claim(string key, string fingerprint, string? requestId = null)
    {
        lock (_gate)
        {
            Prune();
            if (Holding(key, fingerprint) is { } holding)
            {
                return holding;
            }

            // A free key is not claimed for a request a commit check closed on it: it was told nothing was written.
            if (_closed.IsClosed(key, requestId, Now))
            {
                return new IdempotencyClaim.Closed();
            }

            // A claim whose lease ran out is taken over: its holder can no longer commit.
            var claim = new IdempotencyClaim.New(key, fingerprint, Guid.NewGuid().ToString("N"));
            _claims[key] = (claim, Now + _retention.ClaimLease);
            return claim;
        }
    }

    private Greeting? Commit(string name, IdempotencyClaim.New? claim)
    {
        lock (_gate)
        {
            if (claim is not null && !(_claims.TryGetValue(claim.Key, out var held) && held.Claim == claim && held.Until > Now))
            {
                return null;
            }

            Prune();
            var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", Now);
            var stored = new KeyedGreeting(greeting, claim?.Key, claim?.Fingerprint);
            if (claim is not null)
            {
                _claims.Remove(claim.Key);
                _keys[claim.Key] = stored;
            }

            _greetings.Add(greeting.Id, stored, greeting.CreatedAt);
            return greeting;
        }
    }

    public ValueTask AbandonAsync(IdempotencyClaim.New claim, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(claim.Key, out var held) && held.Claim == claim)
            {
                _claims.Remove(claim.Key);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<Greeting?> FindAsync(string id, CancellationToken cancellationToken) =>
        Locked(() => _greetings.TryGet(id, out var stored) ? stored.Greeting : null);

    public ValueTask<IdempotencyClaim?> FindByKeyAsync(string key, string? fingerprint, CancellationToken cancellationToken) =>
        FindByKeyAndCloseAsync(key, fingerprint, requestId: null, cancellationToken);

    public ValueTask<IdempotencyClaim?> FindByKeyAndCloseAsync(string key, string? fingerprint, string? requestId, CancellationToken cancellationToken) => Locked(() =>
    {
        var found = Holding(key, fingerprint);
        if (found is null && requestId is not null)
        {
            _closed.Close(key, requestId, Now);
        }

        return found;
    });

    public ValueTask<GreetingList> ListAsync(int limit, CancellationToken cancellationToken) =>
        Locked(() => new GreetingList(_greetings.Count, [.. _greetings.Newest(limit).Select(stored => stored.Greeting)]));

    // One step of the store under its lock, after what has expired is gone.
    private ValueTask<T> Locked<T>(Func<T> step)
    {
        lock (_gate)
        {
            Prune();
            return ValueTask.FromResult(step());
        }
    }

    // What holds the key, as a claim or a lookup by key sees it (a null fingerprint matches any), or null when free.
    private IdempotencyClaim? Holding(string key, string? fingerprint) =>
        _keys.TryGetValue(key, out var record)
            ? (fingerprint is null || record.Fingerprint == fingerprint ? new IdempotencyClaim.Committed(record.Greeting) : new IdempotencyClaim.Mismatch())
            : _claims.TryGetValue(key, out var held) && held.Until > Now
                ? (fingerprint is null || held.Claim.Fingerprint == fingerprint ? new IdempotencyClaim.InProgress(held.Until - Now) : new IdempotencyClaim.Mismatch())
                : null;

    // Only what has expired at the old end is touched: amortised O(1) per write.
    private void Prune() => _greetings.RemoveOlderThan(Now - _retention.Lifetime);

    private sealed record KeyedGreeting(Greeting Greeting, string? Key, string? Fingerprint);
}
