using System.Globalization;
using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Per-request overrides of <see cref="FaultOptions"/>, so tests and demos never share state.
/// Parsing is strict: a value that is present but malformed is an error, never ignored.
/// </summary>
public static class FaultHeaders
{
    public const string RequestId = WireHeaders.RequestId;
    public const string FailFirst = WireHeaders.FaultFailFirst;
    public const string FailureRate = WireHeaders.FaultRate;
    public const string Status = WireHeaders.FaultStatus;
    public const string RetryAfter = WireHeaders.FaultRetryAfter;
    public const string LatencyMs = WireHeaders.FaultLatencyMs;
    public const string Hang = WireHeaders.FaultHang;
    public const string CommitFailRate = WireHeaders.FaultCommitFailRate;
    public const string CommitDelayRate = WireHeaders.FaultCommitDelayRate;
    public const string CommitDelayMs = WireHeaders.FaultCommitDelayMs;

    private const int MaxRequestIdLength = 64;

    public static bool HasOverrides(IHeaderDictionary headers) =>
        headers.ContainsKey(FailFirst) || headers.ContainsKey(FailureRate) || headers.ContainsKey(Status)
        || headers.ContainsKey(RetryAfter) || headers.ContainsKey(LatencyMs) || headers.ContainsKey(Hang)
        || headers.ContainsKey(CommitFailRate) || headers.ContainsKey(CommitDelayRate) || headers.ContainsKey(CommitDelayMs);

    /// <summary>Applies the headers on a copy of <paramref name="profile"/> and validates the result.</summary>
    public static FaultOptions Apply(FaultOptions profile, IHeaderDictionary headers, Dictionary<string, string[]> errors)
    {
        var options = profile.Clone();
        ApplyInt(headers, FailFirst, errors, v => options.FailFirstAttempts = v);
        ApplyDouble(headers, FailureRate, errors, v => options.FailureRate = v);
        ApplyInt(headers, Status, errors, v => options.FailureStatusCode = v);
        ApplyInt(headers, RetryAfter, errors, v => options.RetryAfterSeconds = v);
        ApplyInt(headers, LatencyMs, errors, v => options.LatencyMs = v);
        ApplyBool(headers, Hang, errors, v => options.Hang = v);
        ApplyDouble(headers, CommitFailRate, errors, v => options.CommitFailRate = v);
        ApplyDouble(headers, CommitDelayRate, errors, v => options.CommitDelayRate = v);
        ApplyInt(headers, CommitDelayMs, errors, v => options.CommitDelayMs = v);

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
        if (!headers.TryGetValue(RequestId, out var values))
        {
            return null;
        }

        var value = values.ToString();
        if (values.Count != 1 || value.Length is 0 or > MaxRequestIdLength || !value.All(IsRequestIdChar))
        {
            errors[RequestId] = [$"{RequestId} must be 1–{MaxRequestIdLength} characters of letters, digits, '-', '_', '.' or ':'."];
            return null;
        }

        return value;
    }

    private static bool IsRequestIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    private static string HeaderFor(string member) => member switch
    {
        nameof(FaultOptions.FailFirstAttempts) => FailFirst,
        nameof(FaultOptions.FailureRate) => FailureRate,
        nameof(FaultOptions.FailureStatusCode) => Status,
        nameof(FaultOptions.RetryAfterSeconds) => RetryAfter,
        nameof(FaultOptions.LatencyMs) => LatencyMs,
        nameof(FaultOptions.CommitFailRate) => CommitFailRate,
        nameof(FaultOptions.CommitDelayRate) => CommitDelayRate,
        nameof(FaultOptions.CommitDelayMs) => CommitDelayMs,
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
