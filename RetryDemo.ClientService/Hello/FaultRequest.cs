using System.ComponentModel.DataAnnotations;
using System.Globalization;
using RetryDemo.ClientService.Validation;

namespace RetryDemo.ClientService.Hello;

/// <summary>
/// Faults a caller asks HelloService to inject for this one logical request (query string of
/// <c>GET /hello</c>), forwarded as <c>X-Fault-*</c> headers. Validated here so a bad value is
/// the caller's 400, not a downstream failure.
/// </summary>
public sealed record FaultRequest(
    [property: Range(0, 100)] int? FailFirst = null,
    [property: AllowedValues(null, 400, 404, 408, 429, 500, 502, 503, 504)] int? FailStatus = null,
    [property: Range(0.0, 1.0)] double? FailureRate = null,
    [property: Range(0, 3600)] int? RetryAfter = null,
    [property: Range(0, 30_000)] int? LatencyMs = null,
    bool? Hang = null,
    [property: Range(0.0, 1.0)] double? CommitFailRate = null,
    [property: Range(0.0, 1.0)] double? CommitDelayRate = null,
    [property: Range(0, 30_000)] int? CommitDelayMs = null)
{
    public static readonly FaultRequest None = new();

    public IEnumerable<KeyValuePair<string, string>> ToHeaders()
    {
        if (FailFirst is { } failFirst) yield return new("X-Fault-Fail-First", Format(failFirst));
        if (FailStatus is { } status) yield return new("X-Fault-Status", Format(status));
        if (FailureRate is { } rate) yield return new("X-Fault-Rate", rate.ToString("R", CultureInfo.InvariantCulture));
        if (RetryAfter is { } retryAfter) yield return new("X-Fault-Retry-After", Format(retryAfter));
        if (LatencyMs is { } latency) yield return new("X-Fault-Latency-Ms", Format(latency));
        if (Hang is { } hang) yield return new("X-Fault-Hang", hang ? "true" : "false");
        if (CommitFailRate is { } commitFail) yield return new("X-Fault-Commit-Fail-Rate", commitFail.ToString("R", CultureInfo.InvariantCulture));
        if (CommitDelayRate is { } commitDelay) yield return new("X-Fault-Commit-Delay-Rate", commitDelay.ToString("R", CultureInfo.InvariantCulture));
        if (CommitDelayMs is { } commitDelayMs) yield return new("X-Fault-Commit-Delay-Ms", Format(commitDelayMs));
    }

    public Dictionary<string, string[]> Validate() => RequestValidation.Errors(this);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
