namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>Why a request fails on purpose, in the order <see cref="FaultInjectionFilter"/> checks them.</summary>
public enum InjectedFault
{
    /// <summary>The operator's outage: every request answers 503.</summary>
    Outage,

    /// <summary>The operator's "fail the next N requests".</summary>
    FailNext,

    /// <summary>The profile's (or request's) first N attempts of a request.</summary>
    FailFirst,

    /// <summary>The profile's (or request's) failure rate.</summary>
    Random,

    /// <summary>A hang with nothing else selected: the request never answers.</summary>
    Hang,
}
