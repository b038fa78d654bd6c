using System.ComponentModel.DataAnnotations;

namespace RetryDemo.Contracts.Faults;

/// <summary>One of <see cref="FaultLimits.FailureStatuses"/> (or no value).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FailureStatusAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is null || value is int status && FaultLimits.FailureStatuses.Contains(status);

    public override string FormatErrorMessage(string name) =>
        $"The field {name} must be one of {string.Join(", ", FaultLimits.FailureStatuses)}.";
}
