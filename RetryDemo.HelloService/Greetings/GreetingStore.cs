using System.Collections.Concurrent;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Greetings and the outcome recorded per Idempotency-Key, in process: this holds for one HelloService
/// instance (README: a shared store such as Redis or a database unique key is needed across replicas).
/// Both are bounded; when full, writes are refused rather than silently losing keys.
/// </summary>
public sealed class GreetingStore(TimeProvider timeProvider)
{
    public const int Capacity = 100_000;
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, Greeting> _greetings = new();
    private readonly ConcurrentDictionary<string, IdempotencyRecord> _keys = new();

    public int Count => _greetings.Count;

    public IEnumerable<Greeting> All => _greetings.Values;

    public Greeting? Find(string id) => _greetings.GetValueOrDefault(id);

    public Greeting? FindByKey(string key) =>
        _keys.TryGetValue(key, out var record) && record.Outcome.Task.IsCompletedSuccessfully ? record.Outcome.Task.Result : null;

    /// <summary>Claims <paramref name="key"/> for a new write, or finds the write it already belongs to.</summary>
    public IdempotencyClaim Claim(string key, string fingerprint)
    {
        var now = timeProvider.GetUtcNow();
        if (_keys.Count >= Capacity)
        {
            foreach (var (k, expired) in _keys.Where(kv => kv.Value.ExpiresAt <= now))
            {
                _keys.TryRemove(new KeyValuePair<string, IdempotencyRecord>(k, expired));
            }
        }

        var fresh = new IdempotencyRecord(fingerprint, now + KeyLifetime);
        while (true)
        {
            if (_keys.Count >= Capacity)
            {
                return IdempotencyClaim.Full;
            }

            var record = _keys.GetOrAdd(key, fresh);
            if (record == fresh)
            {
                return IdempotencyClaim.New(record);
            }

            if (record.ExpiresAt <= now)
            {
                _keys.TryRemove(new KeyValuePair<string, IdempotencyRecord>(key, record));
                continue;
            }

            return record.Fingerprint == fingerprint ? IdempotencyClaim.Existing(record) : IdempotencyClaim.Mismatch;
        }
    }

    /// <summary>Gives up a claim whose write never happened, so a retry can make it.</summary>
    public void Abandon(string key, IdempotencyRecord record)
    {
        _keys.TryRemove(new KeyValuePair<string, IdempotencyRecord>(key, record));
        record.Outcome.TrySetCanceled();
    }

    /// <returns>The new greeting, or null when the store is full.</returns>
    public Greeting? Commit(string name, IdempotencyRecord? record)
    {
        if (_greetings.Count >= Capacity)
        {
            return null;
        }

        var greeting = new Greeting(Guid.NewGuid().ToString("N"), $"Hello, {name}!", timeProvider.GetUtcNow());
        _greetings[greeting.Id] = greeting;
        record?.Outcome.TrySetResult(greeting);
        return greeting;
    }
}
