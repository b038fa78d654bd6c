namespace RetryDemo.HelloService.Store;

/// <summary>
/// Values by key, kept in the order they were added: the oldest leave first, by age or when over
/// <paramref name="capacity"/>, and the newest are read from the end. Not thread-safe; its owner locks.
/// </summary>
/// <param name="removed">Told of every value that leaves by age or capacity, so what belongs to it can leave too.</param>
public sealed class AgeOrderedMap<T>(int capacity, Action<T>? removed = null)
{
    private readonly Dictionary<string, LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _byAge = new();

    public int Count => _byKey.Count;

    public void Add(string key, T value, DateTimeOffset addedAt)
    {
        if (_byKey.Remove(key, out var replaced))
        {
            _byAge.Remove(replaced);
        }

        _byKey[key] = _byAge.AddLast(new Entry(key, value, addedAt));
        while (_byKey.Count > capacity)
        {
            RemoveOldest();
        }
    }

    public bool TryGet(string key, out T value)
    {
        if (_byKey.TryGetValue(key, out var node))
        {
            value = node.Value.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void RemoveOlderThan(DateTimeOffset cutoff)
    {
        while (_byAge.First is { } oldest && oldest.Value.AddedAt <= cutoff)
        {
            RemoveOldest();
        }
    }

    public List<T> Newest(int limit)
    {
        var newest = new List<T>(Math.Min(limit, _byKey.Count));
        for (var node = _byAge.Last; node is not null && newest.Count < limit; node = node.Previous)
        {
            newest.Add(node.Value.Value);
        }

        return newest;
    }

    private void RemoveOldest()
    {
        var oldest = _byAge.First!;
        _byAge.RemoveFirst();
        _byKey.Remove(oldest.Value.Key);
        removed?.Invoke(oldest.Value.Value);
    }

    private readonly record struct Entry(string Key, T Value, DateTimeOffset AddedAt);
}
