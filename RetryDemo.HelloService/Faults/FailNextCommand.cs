using System.ComponentModel.DataAnnotations;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults;

public sealed record FailNextCommand(
    [property: Range(1, FaultLimits.MaxFailNextRequests)] int Count,
    [property: FailureStatus] int Status,
    [property: Range(0, FaultLimits.MaxRetryAfterSeconds)] int RetryAfterSeconds) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryAfterSeconds > 0 && !FaultLimits.AllowsRetryAfter(Status))
        {
            yield return new ValidationResult(FaultLimits.RetryAfterNotAllowed("retryAfterSeconds", Status), [nameof(RetryAfterSeconds)]);
        }
    }
}
