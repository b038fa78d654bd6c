using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// How long a Retry-After <see cref="RetryDecision"/> will wait out, from the <c>HelloClient</c> section
/// (<c>HelloClient:MaxRetryAfter</c>), beside the pipeline's own settings.
/// </summary>
public sealed class RetryAfterOptions
{
    /// <summary>The longest Retry-After worth waiting for; a longer one ends the call at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}
