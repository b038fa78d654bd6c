using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Hello;

/// <summary>The <c>HelloClient</c> configuration section. Resilience settings live in its <c>Resilience</c> child.</summary>
public sealed class HelloClientOptions : IValidatableObject
{
    public const string SectionName = "HelloClient";

    /// <summary>Service-discovery address: https if HelloService offers it, else http.</summary>
    [Required]
    public string BaseAddress { get; set; } = "https+http://hello";

    /// <summary>The longest Retry-After worth waiting for; a longer one ends the call at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

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
