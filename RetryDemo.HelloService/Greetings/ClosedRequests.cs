using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// What <see cref="IGreetingStore.FindByKeyAndCloseAsync"/> closes, in this process: per key, the requests commit checks closed (the newest
/// <see cref="IdempotencyClaim.Closed.MostPerKey"/>), each key's for <see cref="StateRetention.ClosedRequestLifetime"/>
/// after its last check, and for at most as many keys as greetings are kept. Not thread-safe; its owner locks.
/// </summary>
internal sealed class ClosedRequests(StateRetention retention)
{
    private readonly AgeOrderedMap<List<string>> _byKey = new(retention.Capacity);

    public void Close(string key, string requestId, DateTimeOffset now)
    {
        Prune(now);
        var ids = _byKey.TryGet(key, out var closed) ? closed : [];
        ids.Remove(requestId);
        ids.Add(requestId);
        if (ids.Count > IdempotencyClaim.Closed.MostPerKey)
        {
            ids.RemoveAt(0);
        }

        _byKey.Add(key, ids, now); // added again: the closing lasts from this check
    }

    public bool IsClosed(string key, string? requestId, DateTimeOffset now)
    {
        Prune(now);
        return requestId is not null && _byKey.TryGet(key, out var ids) && ids.Contains(requestId);
    }

    private void Prune(DateTimeOffset now) => _byKey.RemoveOlderThan(now - retention.ClosedRequestLifetime);
}
