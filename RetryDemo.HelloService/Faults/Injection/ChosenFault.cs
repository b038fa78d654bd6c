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
}
