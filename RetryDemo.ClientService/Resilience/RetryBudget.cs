using Microsoft.Extensions.Options;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// Counts first attempts, good answers and retries over a sliding window (ten slots, so it slides a
/// tenth of the window at a time) and allows a retry only while retries stay within
/// <c>RetryRatio × first attempts + RetriesPerSuccess × good answers + MinRetriesPerSecond × window</c>.
/// Good answers are what tells a half-healthy HelloService (retries help, so it earns them) from one that
/// is down (nothing earns them, so retries fall to the ratio). One per downstream service: every logical
/// call to HelloService draws on it.
/// </summary>
public sealed class RetryBudget
{
    private const int SlotCount = 10;

    private readonly TimeProvider _timeProvider;
    private readonly RetryBudgetOptions _options;
    private readonly long _slotLength;
    private readonly Slot[] _slots = new Slot[SlotCount];
    private readonly Lock _gate = new();

    public RetryBudget(IOptions<RetryBudgetOptions> options, TimeProvider timeProvider)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _slotLength = Math.Max(1, (long)(_options.Window.TotalSeconds * timeProvider.TimestampFrequency / SlotCount));
    }

    public bool Enabled => _options.Enabled;

    /// <summary>A logical call reached HelloService for the first time: it earns <c>RetryRatio</c> retries.</summary>
    public void RecordFirstAttempt()
    {
        lock (_gate)
        {
            Current().FirstAttempts++;
        }
    }

    /// <summary>HelloService answered an attempt with anything but a transient failure: it earns <c>RetriesPerSuccess</c> retries.</summary>
    public void RecordSuccess()
    {
        lock (_gate)
        {
            Current().Successes++;
        }
    }

    /// <summary>Takes one retry from the budget if it has one; <paramref name="ticket"/> identifies it for <see cref="Refund"/>.</summary>
    public bool TryWithdraw(out long ticket)
    {
        lock (_gate)
        {
            ref var slot = ref Current();
            ticket = slot.Index;
            var totals = Totals(slot.Index);
            if (totals.Retries + 1 > Allowance(totals))
            {
                return false;
            }

            slot.Retries++;
            return true;
        }
    }

    /// <summary>Gives back a retry that succeeded, if it is still inside the window and refunds are on.</summary>
    public void Refund(long ticket)
    {
        if (!_options.RefundSuccessfulRetries)
        {
            return;
        }

        lock (_gate)
        {
            ref var slot = ref _slots[ticket % SlotCount];
            if (slot.Index == ticket && slot.Retries > 0)
            {
                slot.Retries--;
            }
        }
    }

    public RetryBudgetSnapshot Snapshot()
    {
        lock (_gate)
        {
            var totals = Totals(CurrentIndex());
            return new RetryBudgetSnapshot(totals.FirstAttempts, totals.Successes, totals.Retries, Allowance(totals), _options.Window);
        }
    }

    private double Allowance(Totals totals) =>
        _options.RetryRatio * totals.FirstAttempts + _options.RetriesPerSuccess * totals.Successes + _options.MinRetriesPerSecond * _options.Window.TotalSeconds;

    private long CurrentIndex() => _timeProvider.GetTimestamp() / _slotLength;

    // The slot for now, cleared if it last held a time that has since left the window.
    private ref Slot Current()
    {
        var index = CurrentIndex();
        ref var slot = ref _slots[index % SlotCount];
        if (slot.Index != index)
        {
            slot = new Slot { Index = index };
        }

        return ref slot;
    }

    private Totals Totals(long currentIndex)
    {
        long firstAttempts = 0, successes = 0, retries = 0;
        foreach (var slot in _slots)
        {
            if (slot.Index > currentIndex - SlotCount && slot.Index <= currentIndex)
            {
                firstAttempts += slot.FirstAttempts;
                successes += slot.Successes;
                retries += slot.Retries;
            }
        }

        return new Totals(firstAttempts, successes, retries);
    }

    private struct Slot
    {
        public long Index;
        public long FirstAttempts;
        public long Successes;
        public long Retries;
    }
}

internal readonly record struct Totals(long FirstAttempts, long Successes, long Retries);

/// <param name="Successes">Attempts HelloService answered with anything but a transient failure.</param>
/// <param name="Allowance">Retries the window allows: ratio × first attempts + credit × successes + the minimum rate's share.</param>
public sealed record RetryBudgetSnapshot(long FirstAttempts, long Successes, long Retries, double Allowance, TimeSpan Window);
