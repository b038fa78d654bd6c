using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.ClientService.Hello;

/// <summary>
/// Faults a caller asks HelloService to inject for this one logical request (query string of
/// <c>GET /hello</c>), forwarded as <c>X-Fault-*</c> headers. Validated here so a bad value is
/// the caller's 400, not a downstream failure.
/// </summary>
public sealed record FaultRequest(
    [property: Range(0, FaultLimits.MaxFailFirstAttempts)] [FromQuery(Name = "failFirst")] int? FailFirst = null,
    [property: FailureStatus] [FromQuery(Name = "failStatus")] int? FailStatus = null,
    [property: Range(0.0, 1.0)] [FromQuery(Name = "failureRate")] double? FailureRate = null,
    [property: Range(0, FaultLimits.MaxRetryAfterSeconds)] [FromQuery(Name = "retryAfter")] int? RetryAfter = null,
    [property: Range(0, FaultLimits.MaxLatencyMs)] [FromQuery(Name = "latencyMs")] int? LatencyMs = null,
    [FromQuery(Name = "hang")] bool? Hang = null,
    [property: Range(0.0, 1.0)] [FromQuery(Name = "commitFailRate")] double? CommitFailRate = null,
    [property: Range(0.0, 1.0)] [FromQuery(Name = "commitDelayRate")] double? CommitDelayRate = null,
    [property: Range(0, FaultLimits.MaxLatencyMs)] [FromQuery(Name = "commitDelayMs")] int? CommitDelayMs = null) : IValidatableObject
{
    public static readonly FaultRequest None = new();

    public IEnumerable<KeyValuePair<string, string>> ToHeaders()
    {
        if (FailFirst is { } failFirst) yield return new(WireHeaders.FaultFailFirst, Format(failFirst));
        if (FailStatus is { } status) yield return new(WireHeaders.FaultStatus, Format(status));
        if (FailureRate is { } rate) yield return new(WireHeaders.FaultRate, rate.ToString("R", CultureInfo.InvariantCulture));
        if (RetryAfter is { } retryAfter) yield return new(WireHeaders.FaultRetryAfter, Format(retryAfter));
        if (LatencyMs is { } latency) yield return new(WireHeaders.FaultLatencyMs, Format(latency));
        if (Hang is { } hang) yield return new(WireHeaders.FaultHang, hang ? "true" : "false");
        if (CommitFailRate is { } commitFail) yield return new(WireHeaders.FaultCommitFailRate, commitFail.ToString("R", CultureInfo.InvariantCulture));
        if (CommitDelayRate is { } commitDelay) yield return new(WireHeaders.FaultCommitDelayRate, commitDelay.ToString("R", CultureInfo.InvariantCulture));
        if (CommitDelayMs is { } commitDelayMs) yield return new(WireHeaders.FaultCommitDelayMs, Format(commitDelayMs));
    }

    public Dictionary<string, string[]> Validate() => DataAnnotationErrors.Of(this);

    // HelloService's own cross-field rule, where this request names the status (otherwise its profile's status applies, known only there).
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (RetryAfter > 0 && FailStatus is { } status && !FaultLimits.AllowsRetryAfter(status))
        {
            yield return new ValidationResult(FaultLimits.RetryAfterNotAllowed("retryAfter", status), [nameof(RetryAfter)]);
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
