using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Numbers for the index's entries (<see cref="StoreKeys.IndexNext"/>). A number taken by a write that wrote
/// nothing (a replay, a key held by another write) is given back, and this replica's next write within a
/// second takes it again instead of a new one: a flood of replays leaves about a gap a second, not a gap each.
/// Older than that it is dropped, so an entry's number stays within a second of its place in time, as eviction
/// and the listing assume. A number eviction has passed meanwhile is refused by the commit script, and the
/// write takes another.
/// </summary>
internal sealed class IndexNumbers(IConnectionMultiplexer redis, TimeProvider timeProvider)
{
    private static readonly TimeSpan Reusable = TimeSpan.FromSeconds(1);

    /// <summary>The most numbers held for reuse: as many as writes that can be under way at once, about.</summary>
    private const int MaxHeld = 64;

    private readonly Lock _gate = new();
    private readonly Stack<IndexNumber> _givenBack = new();

    /// <summary>A number given back less than a second ago, else the next from the store.</summary>
    public async ValueTask<IndexNumber> TakeAsync()
    {
        lock (_gate)
        {
            while (_givenBack.TryPop(out var held))
            {
                if (timeProvider.GetElapsedTime(held.TakenAt) < Reusable)
                {
                    return held;
                }
            }
        }

        var takenAt = timeProvider.GetTimestamp();
        return new IndexNumber(await redis.GetDatabase().StringIncrementAsync(StoreKeys.IndexNext), takenAt);
    }

    /// <summary>A number its write did not write under, for the next write to take.</summary>
    public void GiveBack(IndexNumber number)
    {
        lock (_gate)
        {
            if (_givenBack.Count < MaxHeld)
            {
                _givenBack.Push(number);
            }
        }
    }
}

/// <summary>An index number and when it was taken from the store (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct IndexNumber(long Value, long TakenAt);
