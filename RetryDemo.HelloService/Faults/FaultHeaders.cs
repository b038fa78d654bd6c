using System.Globalization;
using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Per-request overrides of <see cref="FaultOptions"/>, so tests and demos never share state.
/// Parsing is strict: a value that is present but malformed is an error, never ignored.
/// </summary>
public static class FaultHeaders
{
    private const int MaxRequestIdLength = 64;

    public static bool HasOverrides(IHeaderDictionary headers) =>
        headers.ContainsKey(WireHeaders.FaultFailFirst) || headers.ContainsKey(WireHeaders.FaultRate) || headers.ContainsKey(WireHeaders.FaultStatus)
        || headers.ContainsKey(WireHeaders.FaultRetryAfter) || headers.ContainsKey(WireHeaders.FaultLatencyMs) || headers.ContainsKey(WireHeaders.FaultHang)
        || headers.ContainsKey(WireHeaders.FaultCommitFailRate) || headers.ContainsKey(WireHeaders.FaultCommitDelayRate) || headers.ContainsKey(WireHeaders.FaultCommitDelayMs);

    /// <summary>Applies the headers on a copy of <paramref name="profile"/> and validates the result.</summary>
    public static FaultOptions Apply(FaultOptions profile, IHeaderDictionary headers, Dictionary<string, string[]> errors)
    {
        var options = profile.Clone();
        ApplyInt(headers, WireHeaders.FaultFailFirst, errors, v => options.FailFirstAttempts = v);
        ApplyDouble(headers, WireHeaders.FaultRate, errors, v => options.FailureRate = v);
        ApplyInt(headers, WireHeaders.FaultStatus, errors, v => options.FailureStatusCode = v);
        ApplyInt(headers, WireHeaders.FaultRetryAfter, errors, v => options.RetryAfterSeconds = v);
        ApplyInt(headers, WireHeaders.FaultLatencyMs, errors, v => options.LatencyMs = v);
        ApplyBool(headers, WireHeaders.FaultHang, errors, v => options.Hang = v);
        ApplyDouble(headers, WireHeaders.FaultCommitFailRate, errors, v => options.CommitFailRate = v);
        ApplyDouble(headers, WireHeaders.FaultCommitDelayRate, errors, v => options.CommitDelayRate = v);
        ApplyInt(headers, WireHeaders.FaultCommitDelayMs, errors, v => options.CommitDelayMs = v);

        if (errors.Count == 0)
        {
            foreach (var (member, messages) in DataAnnotationErrors.Of(options, member => member))
            {
                errors[HeaderFor(member)] = messages;
            }
        }

        return options;
    }

    /// <summary>The logical request id, or null when absent; sets an error when malformed.</summary>
    public static string? ReadRequestId(IHeaderDictionary headers, Dictionary<string, string[]> errors)
    {
        if (!headers.TryGetValue(WireHeaders.RequestId, out var values))
        {
            return null;
        }

        var value = values.ToString();
        if (values.Count != 1 || value.Length is 0 or > MaxRequestIdLength || !value.All(IsRequestIdChar))
        {
            errors[WireHeaders.RequestId] = [$"{WireHeaders.RequestId} must be 1–{MaxRequestIdLength} characters of letters, digits, '-', '_', '.' or ':'."];
            return null;
        }

        return value;
    }

    private static bool IsRequestIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    private static string HeaderFor(string member) => member switch
    {
        nameof(FaultOptions.FailFirstAttempts) => WireHeaders.FaultFailFirst,
        nameof(FaultOptions.FailureRate) => WireHeaders.FaultRate,
        nameof(FaultOptions.FailureStatusCode) => WireHeaders.FaultStatus,
        nameof(FaultOptions.RetryAfterSeconds) => WireHeaders.FaultRetryAfter,
        nameof(FaultOptions.LatencyMs) => WireHeaders.FaultLatencyMs,
        nameof(FaultOptions.CommitFailRate) => WireHeaders.FaultCommitFailRate,
        nameof(FaultOptions.CommitDelayRate) => WireHeaders.FaultCommitDelayRate,
        nameof(FaultOptions.CommitDelayMs) => WireHeaders.FaultCommitDelayMs,
        _ => member,
    };

    private static void ApplyInt(IHeaderDictionary headers, string name, Dictionary<string, string[]> errors, Action<int> apply)
    {
        if (TryGetSingle(headers, name, errors, out var raw))
        {
            if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) apply(value);
            else errors[name] = [$"{name} must be a whole number, not '{raw}'."];
        }
    }

    private static void ApplyDouble(IHeaderDictionary headers, string name, Dictionary<string, string[]> errors, Action<double> apply)
    {
        if (TryGetSingle(headers, name, errors, out var raw))
        {
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) apply(value);
            else errors[name] = [$"{name} must be a number, not '{raw}'."];
        }
    }

    private static void ApplyBool(IHeaderDictionary headers, string name, Dictionary<string, string[]> errors, Action<bool> apply)
    {
        if (TryGetSingle(headers, name, errors, out var raw))
        {
            if (bool.TryParse(raw, out var value)) apply(value);
            else errors[name] = [$"{name} must be true or false, not '{raw}'."];
        }
    }

    private static bool TryGetSingle(IHeaderDictionary headers, string name, Dictionary<string, string[]> errors, out string raw)
    {
        raw = "";
        if (!headers.TryGetValue(name, out var values))
        {
            return false;
        }

        if (values.Count != 1)
        {
            errors[name] = [$"{name} must be given once."];
            return false;
        }

        raw = values.ToString().Trim();
        return true;
    }
}
