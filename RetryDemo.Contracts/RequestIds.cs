namespace RetryDemo.Contracts;

/// <summary>
/// The <see cref="WireHeaders.RequestId"/> rule: short, and only characters that need no escaping anywhere it
/// goes (a log's tag, a store key, a JSON string).
/// </summary>
public static class RequestIds
{
    public const int MaxLength = 64;

    public const string Rule = "1–64 characters of letters, digits, '-', '_', '.' or ':', given once";

    /// <summary>The header's one well-formed value, or null (absent, given twice, or malformed).</summary>
    public static string? Read(IReadOnlyList<string?> values) =>
        values is [{ Length: > 0 and <= MaxLength } value] && value.All(IsRequestIdChar) ? value : null;

    private static bool IsRequestIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
