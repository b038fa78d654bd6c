using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>
/// The <c>HelloClient</c> configuration section: where HelloService is and the key its fault controls
/// need. The pipeline's settings live in its <c>Resilience</c> and <c>RetryBudget</c> children and
/// <c>MaxRetryAfter</c> (<see cref="Resilience.RetryAfterOptions"/>).
/// </summary>
public sealed class HelloClientOptions : IValidatableObject
{
    public const string SectionName = "HelloClient";

    /// <summary>Service-discovery address: https if HelloService offers it, else http.</summary>
    [Required]
    public string BaseAddress { get; set; } = "https+http://hello";

    /// <summary>Sent as X-Fault-Control-Key when HelloService's fault controls need a key.</summary>
    public string? FaultControlKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Not [Url]: service-discovery schemes such as "https+http" are not URLs it accepts.
        if (!Uri.TryCreate(BaseAddress, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"BaseAddress '{BaseAddress}' is not an absolute URI.", [nameof(BaseAddress)]);
        }
    }
}
