using System.ComponentModel.DataAnnotations;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults.Profile;

/// <summary>
/// The fault profile, from the <c>Faults</c> configuration section (reloadable). Selectors decide
/// which requests fail (fail-first, random rate); <see cref="FailureStatusCode"/> or
/// <see cref="Hang"/> decide how. Every field can be overridden per request (see <see cref="FaultHeaders"/>).
/// </summary>
public sealed class FaultOptions : IValidatableObject
{
    public const string SectionName = "Faults";

    /// <summary>Fail attempts 1..N of every logical request (recognised by <c>X-Request-Id</c>).</summary>
    [Range(0, FaultLimits.MaxFailFirstAttempts)]
    public int FailFirstAttempts { get; set; }

    /// <summary>Probability (0–1) that any request fails.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>Status a failing request answers with.</summary>
    [FailureStatus]
    public int FailureStatusCode { get; set; } = FaultLimits.DefaultFailureStatusCode;

    /// <summary>Retry-After (seconds) on a 429 or 503; 0 sends none.</summary>
    [Range(0, FaultLimits.MaxRetryAfterSeconds)]
    public int RetryAfterSeconds { get; set; }

    /// <summary>Latency added to every reply.</summary>
    [Range(0, FaultLimits.MaxLatencyMs)]
    public int LatencyMs { get; set; }

    /// <summary>Probability (0–1) that an attempt is <see cref="SlowMs"/> slower: a slow tail, not a slow service.</summary>
    [Range(0.0, 1.0)]
    public double SlowRate { get; set; }

    [Range(0, FaultLimits.MaxLatencyMs)]
    public int SlowMs { get; set; } = FaultLimits.DefaultSlowMs;

    /// <summary>Failing requests hang until the caller gives up; with no selector set, every request hangs.</summary>
    public bool Hang { get; set; }

    /// <summary>Probability that a write is committed and then answered with 503 anyway (a lost reply).</summary>
    [Range(0.0, 1.0)]
    public double CommitFailRate { get; set; }

    /// <summary>Probability that a write is committed and then answered only after <see cref="CommitDelayMs"/>.</summary>
    [Range(0.0, 1.0)]
    public double CommitDelayRate { get; set; }

    [Range(0, FaultLimits.MaxLatencyMs)]
    public int CommitDelayMs { get; set; }

    /// <summary>
    /// Makes the failure rate's and the slow rate's rolls repeatable, so a test or an experiment sees the same failures every run.
    /// Per request (<c>X-Fault-Seed</c>), attempt n of that request rolls (seed, n). From configuration, the
    /// service's n-th request since the last reset rolls (seed, n), counted across replicas in the store.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int? Seed { get; set; }

    public bool HasSelector => FailFirstAttempts > 0 || FailureRate > 0;

    public FaultOptions Clone() => (FaultOptions)MemberwiseClone();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryAfterSeconds > 0 && !FaultLimits.AllowsRetryAfter(FailureStatusCode))
        {
            yield return new ValidationResult(FaultLimits.RetryAfterNotAllowed(nameof(RetryAfterSeconds), FailureStatusCode), [nameof(RetryAfterSeconds)]);
        }
    }
}
