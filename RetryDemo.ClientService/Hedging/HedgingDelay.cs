using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.Hedging;

/// <summary>
/// How long the hedging strategy waits for an attempt before sending a hedge beside it: the
/// <see cref="HedgingOptions.DelayPercentile"/> of the last <see cref="HedgingDefaults.DelayWindow"/> answered
/// attempts' durations, within [<see cref="HedgingOptions.MinDelay"/>, <see cref="HedgingOptions.MaxDelay"/>];
/// or the constant <see cref="HedgingOptions.Delay"/>. Only answers are counted: an attempt that lost its race
/// was cut, and its duration says only that the hedge was faster.
/// </summary>
public sealed class HedgingDelay(IOptions<HedgingOptions> options)
{
    private readonly HedgingOptions _options = options.Value;
    private readonly double[] _window = new double[HedgingDefaults.DelayWindow];
    private readonly Lock _gate = new();
    private long _answers;
    private long _currentTicks = options.Value.Delay.Ticks;

    public TimeSpan Current => TimeSpan.FromTicks(Volatile.Read(ref _currentTicks));

    /// <summary>A hedged call ended: the attempt that answered it, if it answered well, is counted.</summary>
    public void ObserveCall(IReadOnlyList<AttemptRecord> attempts)
    {
        foreach (var attempt in attempts)
        {
            if (attempt is { Answered: true, StatusCode: >= 200 and < 300 })
            {
                Observe(attempt.Duration);
            }
        }
    }

    /// <summary>An attempt of a hedged call was answered, after <paramref name="duration"/>.</summary>
    public void Observe(TimeSpan duration)
    {
        if (!_options.AdaptiveDelay)
        {
            return;
        }

        double[]? recent = null;
        lock (_gate)
        {
            _window[_answers % _window.Length] = duration.TotalMilliseconds;
            if (++_answers % HedgingDefaults.DelayRecomputeEvery == 0)
            {
                recent = _window[..(int)Math.Min(_answers, _window.Length)];
            }
        }

        if (recent is not null)
        {
            // Sorted outside the lock; a late writer of an older percentile is corrected 50 answers later.
            Array.Sort(recent);
            var percentile = TimeSpan.FromMilliseconds(recent[(int)Math.Ceiling(_options.DelayPercentile * recent.Length) - 1]);
            Volatile.Write(ref _currentTicks, Math.Clamp(percentile.Ticks, _options.MinDelay.Ticks, _options.MaxDelay.Ticks));
        }
    }
}
