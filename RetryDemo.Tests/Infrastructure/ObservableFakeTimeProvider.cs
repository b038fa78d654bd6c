using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every wait started on it (Polly's backoff waits are
/// Task.Delay-style timers), so a test can advance time exactly when a wait has begun, with no sleeps.
/// </summary>
public sealed class ObservableFakeTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _delays = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Raised when a Task.Delay-style wait starts on this clock.</summary>
    public event Action<TimeSpan>? DelayStarted;

    public ObservableFakeTimeProvider() : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        // A one-shot timer with a due time is a Task.Delay (a backoff wait). Timeouts start disarmed (their
        // CancellationTokenSource arms them later), and service discovery's cleanup timer is periodic.
        if (dueTime > TimeSpan.Zero && period == Timeout.InfiniteTimeSpan)
        {
            _delays.Writer.TryWrite(dueTime);
            DelayStarted?.Invoke(dueTime);
        }

        return timer;
    }

    /// <summary>
    /// Waits (in real time: 30 s, or less if the test's own limit ends first) for the next wait started
    /// whose length matches. Fails naming <paramref name="what"/> rather than with a bare cancellation.
    /// </summary>
    public async Task<TimeSpan> NextDelayAsync(Func<TimeSpan, bool> match, string what = "a matching wait")
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var due = await _delays.Reader.ReadAsync(timeout.Token);
                if (match(due))
                {
                    return due;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No {what} started within 30 s of real time.");
        }
    }
}
