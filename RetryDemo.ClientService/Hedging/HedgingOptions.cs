using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Hedging;

/// <summary>The <c>HelloClient:Hedging</c> section. Defaults and their reasons are in <see cref="HedgingDefaults"/>.</summary>
public sealed class HedgingOptions : IValidatableObject
{
    public const string SectionName = "HelloClient:Hedging";

    [Range(1, 2)]
    public int MaxHedgedAttempts { get; set; } = HedgingDefaults.MaxHedgedAttempts;

    public bool AdaptiveDelay { get; set; } = HedgingDefaults.AdaptiveDelay;

    public TimeSpan Delay { get; set; } = HedgingDefaults.Delay;

    [Range(0.5, 0.999)]
    public double DelayPercentile { get; set; } = HedgingDefaults.DelayPercentile;

    public TimeSpan MinDelay { get; set; } = HedgingDefaults.MinDelay;

    public TimeSpan MaxDelay { get; set; } = HedgingDefaults.MaxDelay;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The attempt timeout is configured elsewhere: the pipeline keeps the delay below half of it.
        foreach (var (name, value) in new[] { (nameof(Delay), Delay), (nameof(MinDelay), MinDelay), (nameof(MaxDelay), MaxDelay) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{name} must be above zero, not {value.TotalMilliseconds:F0} ms.", [name]);
            }
        }

        if (MinDelay > MaxDelay)
        {
            yield return new ValidationResult($"{nameof(MinDelay)} ({MinDelay.TotalMilliseconds:F0} ms) must not be above {nameof(MaxDelay)} ({MaxDelay.TotalMilliseconds:F0} ms).", [nameof(MinDelay), nameof(MaxDelay)]);
        }
    }
}
