namespace RetryDemo.Contracts.Faults;

/// <summary>The fault settings one request asked for, parsed by <see cref="FaultSetting.TryParse"/>.</summary>
public sealed class FaultValues
{
    public static readonly FaultValues None = new(new Dictionary<FaultSetting, double>());

    private readonly IReadOnlyDictionary<FaultSetting, double> _values;

    private FaultValues(IReadOnlyDictionary<FaultSetting, double> values) => _values = values;

    public bool IsEmpty => _values.Count == 0;

    public IEnumerable<FaultSetting> Settings => _values.Keys;

    public double? this[FaultSetting setting] => _values.TryGetValue(setting, out var value) ? value : null;

    /// <summary>
    /// Reads every setting present in a request. <paramref name="fieldOf"/> names a setting as the caller
    /// wrote it (query name or header); <paramref name="valuesOf"/> gives its raw values, empty when absent.
    /// Each error is keyed by that name; a setting given twice is an error, not "the last one wins".
    /// A Retry-After with a status that can't carry one is an error when the request names both; with the
    /// status HelloService's profile supplies, the Retry-After is simply not sent (both services, one rule).
    /// </summary>
    public static FaultValues Read(Func<FaultSetting, string> fieldOf, Func<string, IReadOnlyList<string?>> valuesOf, IDictionary<string, string[]> errors)
    {
        Dictionary<FaultSetting, double>? values = null;
        foreach (var setting in FaultSettings.All)
        {
            var field = fieldOf(setting);
            var raw = valuesOf(field);
            if (raw.Count == 0)
            {
                continue;
            }

            if (raw.Count > 1)
            {
                errors[field] = [$"{field} must be given once."];
            }
            else if (setting.TryParse(raw[0] ?? "", field, out var value, out var error))
            {
                (values ??= [])[setting] = value;
            }
            else
            {
                errors[field] = [error];
            }
        }

        if (values is not null && values.GetValueOrDefault(FaultSettings.RetryAfter) > 0
            && values.TryGetValue(FaultSettings.FailStatus, out var status) && !FaultLimits.AllowsRetryAfter((int)status))
        {
            var field = fieldOf(FaultSettings.RetryAfter);
            errors[field] = [FaultLimits.RetryAfterNotAllowed(field, (int)status)];
        }

        return values is null ? None : new(values);
    }

    /// <summary>The settings as HelloService's headers, each value formatted for <see cref="FaultSetting.TryParse"/>.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToHeaders() =>
        _values.Select(v => new KeyValuePair<string, string>(v.Key.Header, v.Key.Format(v.Value)));
}
