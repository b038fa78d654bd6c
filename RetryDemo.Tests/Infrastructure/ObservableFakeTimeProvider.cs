using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer created (Polly's backoff waits and
/// timeouts are timers), so a test can advance time exactly when a wait has begun, with no sleeps.
/// </summary>
public sealed class ObservableFakeTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Raised when a Task.Delay-style wait starts on this clock.</summary>
    public event Action<TimeSpan>? DelayStarted;

    public ObservableFakeTimeProvider() : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        // A one-shot timer with a due time is a Task.Delay (a backoff wait); timeouts start disarmed.
        if (dueTime > TimeSpan.Zero && period == Timeout.InfiniteTimeSpan)
        {
            DelayStarted?.Invoke(dueTime);
        }

        return timer;
    }

    /// <summary>Waits (in real time, bounded) for the next timer whose due time matches.</summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var due = await _timers.Reader.ReadAsync(timeout.Token);
            if (match(due))
            {
                return due;
            }
        }
    }
}
