using System.Globalization;

namespace RetryDemo.Contracts.Faults;

/// <summary>
/// One per-request fault setting, as both services spell and parse it: ClientService reads
/// <see cref="Query"/>, HelloService reads <see cref="Header"/>, and both use <see cref="TryParse"/>,
/// so a value means the same thing on either side (invariant culture: <c>0,1</c> is an error, never 1).
/// </summary>
/// <param name="profileKey">The same setting's key in HelloService's <c>Faults</c> profile, which the header overrides.</param>
public sealed class FaultSetting(string query, string header, string profileKey, FaultValueKind kind, double max, string description)
{
    public string Query { get; } = query;
    public string Header { get; } = header;
    public string ProfileKey { get; } = profileKey;
    public FaultValueKind Kind { get; } = kind;
    public double Max { get; } = max;
    public string Description { get; } = description;

    /// <summary>Parses one raw value; on failure, says what the rule is under the caller's name for it, without echoing the input.</summary>
    public bool TryParse(string raw, string field, out double value, out string error)
    {
        error = "";
        value = 0;
        // Strict: no whitespace or control character anywhere (int, double and bool parsing each forgive some:
        // " true", "1\0").
        var text = raw.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? "" : raw;
        var parsed = Kind switch
        {
            FaultValueKind.Boolean => text.Equals("true", StringComparison.OrdinalIgnoreCase) ? 1
                : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? 0 : (double?)null,
            FaultValueKind.Probability => double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : null,
            _ => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? whole : null,
        };

        var valid = parsed is { } v && Kind switch
        {
            FaultValueKind.FailureStatus => FaultLimits.FailureStatuses.Contains((int)v),
            FaultValueKind.Boolean => true,
            _ => v >= 0 && v <= Max,
        };
        if (!valid)
        {
            error = $"{field} must be {Rule}.";
            return false;
        }

        value = parsed!.Value;
        return true;
    }

    /// <summary>The value as the other service parses it back.</summary>
    public string Format(double value) => Kind switch
    {
        FaultValueKind.Boolean => value != 0 ? "true" : "false",
        FaultValueKind.Probability => value.ToString("R", CultureInfo.InvariantCulture),
        _ => ((int)value).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The rule in words, for errors and the OpenAPI documents.</summary>
    public string Rule => Kind switch
    {
        FaultValueKind.Boolean => "true or false",
        FaultValueKind.Probability => $"a number from 0 to {Max.ToString(CultureInfo.InvariantCulture)} written with a '.' (such as 0.25)",
        FaultValueKind.FailureStatus => $"one of {string.Join(", ", FaultLimits.FailureStatuses)}",
        _ => $"a whole number from 0 to {Max.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>What a value is once parsed, for the OpenAPI documents.</summary>
    public Type ValueType => Kind switch
    {
        FaultValueKind.Boolean => typeof(bool),
        FaultValueKind.Probability => typeof(double),
        _ => typeof(int),
    };

    /// <summary>What the setting does and the rule for its value, for the OpenAPI documents.</summary>
    public string Documentation => $"{Description} Value: {Rule}.";

    public override string ToString() => Query;
}
