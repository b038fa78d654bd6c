using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Per-request overrides of <see cref="FaultOptions"/>, so tests and demos never share state.
/// Parsing is strict: a value that is present but malformed is an error, never ignored.
/// </summary>
public static class FaultHeaders
{
    private const int MaxRequestIdLength = 64;

    public static bool HasOverrides(IHeaderDictionary headers)
    {
        foreach (var setting in FaultSettings.All)
        {
            if (headers.ContainsKey(setting.Header)) return true;
        }

        return false;
    }

    /// <summary>
    /// Applies the headers on a copy of <paramref name="profile"/>. The contract's parser checks each value
    /// and the one cross-field rule; the profile was validated when it was loaded.
    /// </summary>
    public static FaultOptions Apply(FaultOptions profile, IHeaderDictionary headers, Dictionary<string, string[]> errors)
    {
        var values = FaultValues.Read(setting => setting.Header, header => headers[header], errors);
        var options = profile.Clone();
        foreach (var setting in values.Settings)
        {
            Set(options, setting, values[setting]!.Value);
        }

        return options;
    }

    /// <summary>
    /// The logical request id, or null when absent or malformed. A malformed one (a proxy's own id format,
    /// a GUID in braces, two values) is ignored, unless this request's own fail-first needs it to count attempts.
    /// </summary>
    public static string? ReadRequestId(IHeaderDictionary headers, bool needed, Dictionary<string, string[]> errors, out bool ignored)
    {
        ignored = false;
        if (!headers.TryGetValue(WireHeaders.RequestId, out var values))
        {
            return null;
        }

        var value = values.ToString();
        if (values.Count == 1 && value.Length is > 0 and <= MaxRequestIdLength && value.All(IsRequestIdChar))
        {
            return value;
        }

        if (needed)
        {
            errors[WireHeaders.RequestId] = [$"{WireHeaders.RequestId} must be 1–{MaxRequestIdLength} characters of letters, digits, '-', '_', '.' or ':' when {WireHeaders.FaultFailFirst} counts attempts."];
        }

        ignored = true;
        return null;
    }

    private static bool IsRequestIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';

    // The one place a setting meets the option it overrides.
    private static void Set(FaultOptions options, FaultSetting setting, double value)
    {
        if (setting == FaultSettings.FailFirst) options.FailFirstAttempts = (int)value;
        else if (setting == FaultSettings.FailStatus) options.FailureStatusCode = (int)value;
        else if (setting == FaultSettings.FailureRate) options.FailureRate = value;
        else if (setting == FaultSettings.RetryAfter) options.RetryAfterSeconds = (int)value;
        else if (setting == FaultSettings.LatencyMs) options.LatencyMs = (int)value;
        else if (setting == FaultSettings.Hang) options.Hang = value != 0;
        else if (setting == FaultSettings.CommitFailRate) options.CommitFailRate = value;
        else if (setting == FaultSettings.CommitDelayRate) options.CommitDelayRate = value;
        else if (setting == FaultSettings.CommitDelayMs) options.CommitDelayMs = (int)value;
        else if (setting == FaultSettings.Seed) options.Seed = (int)value;
        else throw new ArgumentOutOfRangeException(nameof(setting), setting, "A fault setting with no option to override.");
    }
}
