using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults.Profile;

/// <summary>
/// Per-request overrides of <see cref="FaultOptions"/>, so tests and demos never share state.
/// Parsing is strict: a value that is present but malformed is an error, never ignored.
/// </summary>
public static class FaultHeaders
{
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
        if (!values.IsEmpty)
        {
            // The header overrides the profile option of the same key, bound as configuration binds it;
            // a setting whose key names no option throws rather than being dropped.
            new ConfigurationBuilder()
                .AddInMemoryCollection(values.Settings.Select(setting => KeyValuePair.Create(setting.ProfileKey, (string?)setting.Format(values[setting]!.Value))))
                .Build()
                .Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
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

        if (RequestIds.Read(values) is { } value)
        {
            return value;
        }

        if (needed)
        {
            errors[WireHeaders.RequestId] = [$"{WireHeaders.RequestId} must be {RequestIds.Rule} when {FaultSettings.FailFirst.Header} or {FaultSettings.Seed.Header} counts attempts."];
        }

        ignored = true;
        return null;
    }
}
