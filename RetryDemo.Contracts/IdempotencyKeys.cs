namespace RetryDemo.Contracts;

/// <summary>The <see cref="WireHeaders.IdempotencyKey"/> rule both services check.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = 128;

    /// <summary>Why the header's <paramref name="values"/> are not one valid key, or null (also when it is absent).</summary>
    public static string? Problem(IReadOnlyList<string?> values) =>
        values.Count == 0 || (values.Count == 1 && values[0] is { Length: > 0 and <= MaxLength } key && key.All(c => c is > ' ' and <= '~'))
            ? null
            : $"{WireHeaders.IdempotencyKey} must be 1–{MaxLength} visible ASCII characters, given once.";
}
