using System.ComponentModel.DataAnnotations;
using System.Globalization;
using RetryDemo.ClientService.Validation;
using RetryDemo.Contracts;

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

    public Dictionary<string, string[]> Validate() => RequestValidation.Errors(this);

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
