using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>Whether an attempt is one of the slow tail's (<see cref="FaultOptions.SlowRate"/>), and how much slower it is.</summary>
public static class SlowAttempt
{
    // A stream of its own, so a seeded request's slow attempts do not fall on its failing ones.
    private const ulong RollStream = 1;

    public static TimeSpan? For(FaultOptions options, AttemptFaults observed, int? attempt, FaultDice dice) =>
        options is { SlowRate: > 0, SlowMs: > 0 }
        && dice.RollFor(options.Seed, observed.Roll ?? attempt ?? 1, RollStream) < options.SlowRate
            ? TimeSpan.FromMilliseconds(options.SlowMs)
            : null;
}
