namespace RetryDemo.Contracts.Faults;

/// <summary>How a fault setting's value is written on the wire.</summary>
public enum FaultValueKind
{
    /// <summary>Digits, optionally signed: <c>2</c>.</summary>
    WholeNumber,

    /// <summary>A decimal number with a '.', never a ',': <c>0.25</c>, <c>1e-3</c>.</summary>
    Probability,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>One of <see cref="FaultLimits.FailureStatuses"/>.</summary>
    FailureStatus,
}
