using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Numbers for the index's entries, taken from the store (<see cref="StoreKeys.IndexNext"/>) in blocks sized to
/// demand: one refill in flight at a time, taking one number for its sender and two for each writer that found
/// none while the last was in flight (at most <see cref="MaxBlock"/>). So writes one at a time take one number
/// each, as one <c>INCR</c> did, and under load one round trip numbers many writes. A number a write did not write
/// under (a replay, a key held by another write) is given back for the next. A number is handed out only within a
/// second of its taking, so an entry's number stays about as close to its place in time as eviction and the
/// listing assume; a block its demand outlived leaves its rest as gaps, once.
/// </summary>
internal sealed class IndexNumbers(Func<long, Task<long>> takeFromStore, TimeProvider timeProvider)
{
    /// <summary>The most numbers one refill takes, and the most given back that are held for reuse.</summary>
    public const int MaxBlock = 64;

    private static readonly TimeSpan Usable = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Stack<IndexNumber> _givenBack = new();
    private IndexNumber _block; // its next number, with its refill's time and count: those of the whole block
    private long _blockEnd;
    private long _refills, _droppedThrough; // the refills done, and the last whose numbers were dropped
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
            Task? inFlight;
            TaskCompletionSource? sent = null;
            int size;
            lock (_gate)
            {
                if (TryTakeHeld(out var held))
                {
                    return held;
                }

                size = Math.Min(MaxBlock, 1 + 2 * _foundNone);
                inFlight = _refill;
                _foundNone = inFlight is null ? 0 : _foundNone + 1;
                if (inFlight is null)
                {
                    sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _refill = sent.Task;
                }
            }

            if (inFlight is not null)
            {
                await inFlight; // a refill the store failed fails every writer waiting on it
            }
            else if (await RefillAsync(size, sent!) is { } mine)
            {
                return mine;
            }
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

    /// <summary>
    /// The commit script refused <paramref name="refused"/>: every number of its refill or an earlier one may be as
    /// spent (a crash lost their taking, or eviction passed them), and goes; a later refill's numbers stay.
    /// </summary>
    public void Drop(IndexNumber refused)
    {
        lock (_gate)
        {
            _droppedThrough = Math.Max(_droppedThrough, refused.Refill);
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

    private bool IsUsable(IndexNumber number) => number.Refill > _droppedThrough && timeProvider.GetElapsedTime(number.TakenAt) < Usable;

    // The writer that sends the refill takes its first number, the rest are the block; none if it took a second.
    private async Task<IndexNumber?> RefillAsync(int size, TaskCompletionSource sent)
    {
        try
        {
            var takenAt = timeProvider.GetTimestamp();
            var last = await takeFromStore(size);
            IndexNumber? mine;
            lock (_gate)
            {
                _block = new IndexNumber(last - size + 1, takenAt, ++_refills);
                mine = IsUsable(_block) ? _block : null;
                _block = _block with { Value = _block.Value + 1 };
                _blockEnd = last + 1;
                _refill = null;
            }

            sent.SetResult();
            return mine;
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _refill = null;
                _foundNone = 0; // they failed with it
            }

            sent.SetException(ex);
            _ = sent.Task.Exception; // observed here, so a refill nobody else waited on is no unobserved exception
            throw;
        }
    }
}
