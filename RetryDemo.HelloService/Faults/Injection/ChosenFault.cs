using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>The fault a request meets: its kind, the status it answers and the Retry-After it carries (seconds, 0 for none).</summary>
public readonly record struct ChosenFault(InjectedFault Kind, int Status, int RetryAfterSeconds)
{
    /// <summary>The name problem details and logs carry (<c>fault</c>), as callers and dashboards read it.</summary>
    public string Name => Kind switch
    {
        InjectedFault.Outage => "outage",
        InjectedFault.FailNext => "fail-next",
        InjectedFault.FailFirst => "fail-first",
        InjectedFault.Random => "random",
        InjectedFault.Hang => "hang",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>
    /// The fault this attempt meets, if any. Order: outage, then the operator's fail-next, then the profile's
    /// fail-first and random rate; a hang with nothing else selected last.
    /// </summary>
    public static ChosenFault? For(FaultOptions options, AttemptFaults observed, int? attempt, FaultDice dice)
    {
        if (observed.Outage)
        {
            return new(InjectedFault.Outage, StatusCodes.Status503ServiceUnavailable, 0);
        }

        if (observed.FailNextStatus is { } status)
        {
            return new(InjectedFault.FailNext, status, observed.FailNextRetryAfterSeconds);
        }

        if (attempt <= options.FailFirstAttempts)
        {
            return new(InjectedFault.FailFirst, options.FailureStatusCode, options.RetryAfterSeconds);
        }

        if (options.FailureRate > 0 && dice.RollFor(options.Seed, observed.Roll ?? attempt ?? 1) < options.FailureRate)
        {
            return new(InjectedFault.Random, options.FailureStatusCode, options.RetryAfterSeconds);
        }

        if (options.Hang && !options.HasSelector)
        {
            return new(InjectedFault.Hang, StatusCodes.Status503ServiceUnavailable, 0);
        }

        return null;
    }
}
