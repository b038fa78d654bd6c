using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Numbers for the index's entries, taken from the store (<see cref="StoreKeys.IndexNext"/>) in blocks sized to
/// demand: one refill in flight at a time, taking one number for the writer that sends it and two for each that
/// found none while the last was in flight (at most <see cref="MaxBlock"/>). So writes one at a time take one
/// number each, as a single <c>INCR</c> did, and a replica under load takes numbers for many writes in one round
/// trip. A number taken by a write that wrote nothing (a replay, a key held by another write) is given back for
/// the next write. A number is used only within a second of its taking, so an entry's number stays within a second
/// of its place in time, as eviction and the listing assume; a block outlived by its demand leaves its rest as
/// gaps, once. A number the commit script refuses (<see cref="GreetingScripts.Commit"/>) makes every number held
/// suspect: <see cref="Drop"/>.
/// </summary>
internal sealed class IndexNumbers(Func<long, Task<long>> takeFromStore, TimeProvider timeProvider)
{
    /// <summary>The most numbers one refill takes, and the most given back that are held for reuse.</summary>
    public const int MaxBlock = 64;

    private static readonly TimeSpan Usable = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Stack<IndexNumber> _givenBack = new();
    private IndexNumber _block; // the next of the block's numbers and when the block was taken
    private long _blockEnd;
    private Task? _refill;
    private int _foundNone; // writers that found no number while the refill in flight was

    public IndexNumbers(IConnectionMultiplexer redis, TimeProvider timeProvider)
        : this(count => redis.GetDatabase().StringIncrementAsync(StoreKeys.IndexNext, count), timeProvider)
    {
    }

    /// <summary>A number given back or left in the block, less than a second old; else one of the next refill's.</summary>
    public async ValueTask<IndexNumber> TakeAsync()
    {
        while (true)
        {
            Task inFlight;
            TaskCompletionSource? sent = null;
            int size;
            lock (_gate)
            {
                if (TryTakeHeld(out var held))
                {
                    return held;
                }

                size = Math.Min(MaxBlock, 1 + 2 * _foundNone);
                if (_refill is { } refill)
                {
                    _foundNone++;
                    inFlight = refill;
                }
                else
                {
                    _foundNone = 0;
                    sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _refill = sent.Task;
                    inFlight = sent.Task;
                }
            }

            if (sent is not null)
            {
                return await RefillAsync(size, sent);
            }

            await inFlight; // a store that failed the refill fails every writer waiting on it
        }
    }

    /// <summary>A number its write did not write under, for the next write to take.</summary>
    public void GiveBack(IndexNumber number)
    {
        lock (_gate)
        {
            if (_givenBack.Count < MaxBlock)
            {
                _givenBack.Push(number);
            }
        }
    }

    /// <summary>Drops every number held: the commit script refused one, so the rest may be as spent.</summary>
    public void Drop()
    {
        lock (_gate)
        {
            _givenBack.Clear();
            _blockEnd = _block.Value;
        }
    }

    private bool TryTakeHeld(out IndexNumber number)
    {
        while (_givenBack.TryPop(out number))
        {
            if (IsUsable(number))
            {
                return true;
            }
        }

        number = _block;
        if (number.Value < _blockEnd && IsUsable(number))
        {
            _block = number with { Value = number.Value + 1 };
            return true;
        }

        return false;
    }

    private bool IsUsable(IndexNumber number) => timeProvider.GetElapsedTime(number.TakenAt) < Usable;

    // The writer that sends the refill takes its first number; the rest are the block, for the writers waiting.
    private async Task<IndexNumber> RefillAsync(int size, TaskCompletionSource sent)
    {
        var takenAt = timeProvider.GetTimestamp();
        try
        {
            var last = await takeFromStore(size);
            lock (_gate)
            {
                _block = new IndexNumber(last - size + 2, takenAt);
                _blockEnd = last + 1;
                _refill = null;
            }

            sent.SetResult();
            return new IndexNumber(last - size + 1, takenAt);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _refill = null;
            }

            sent.SetException(ex);
            _ = sent.Task.Exception; // observed here, so a refill nobody else waited on is no unobserved exception
            throw;
        }
    }
}
