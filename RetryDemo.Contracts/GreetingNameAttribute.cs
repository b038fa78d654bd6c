using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace RetryDemo.Contracts;

/// <summary>
/// A greeting's name: 1–100 visible characters, counted as text elements (grapheme clusters, as a
/// person counts them), so emoji, ZWJ sequences, combining marks and CJK are each one. Refused: a
/// control or format character standing on its own (a tab, a line break, a zero-width space, a soft
/// hyphen…), and an unpaired surrogate. Format characters inside a cluster — the zero-width joiner of
/// 👩‍💻, the tags of a subdivision flag — belong to the visible character they join.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class GreetingNameAttribute : ValidationAttribute
{
    public const int MaxLength = 100;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var members = validationContext.MemberName is { } member ? new[] { member } : null;
        return Problem(value as string) is { } problem ? new ValidationResult(problem, members) : ValidationResult.Success;
    }

    /// <summary>Why <paramref name="name"/> is not a valid greeting name (after trimming), or null.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "The name is required and must contain visible characters.";
        }

        var trimmed = name.Trim();
        for (var i = 0; i < trimmed.Length;)
        {
            if (Rune.DecodeFromUtf16(trimmed.AsSpan(i), out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return "The name contains an unpaired surrogate (not a character).";
            }

            i += consumed;
        }

        var elements = 0;
        for (var start = 0; start < trimmed.Length; elements++)
        {
            var length = StringInfo.GetNextTextElementLength(trimmed, start);
            var element = trimmed.AsSpan(start, length);
            Rune.DecodeFromUtf16(element, out var first, out _);
            if (Rune.GetUnicodeCategory(first) is UnicodeCategory.Control or UnicodeCategory.Format || ContainsControl(element))
            {
                return $"The name contains a control or format character (U+{first.Value:X4}); it must be visible characters only.";
            }

            start += length;
        }

        return elements <= MaxLength ? null : $"The name is {elements} characters long; at most {MaxLength} are allowed.";
    }

    private static bool ContainsControl(ReadOnlySpan<char> element)
    {
        foreach (var rune in element.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control)
            {
                return true;
            }
        }

        return false;
    }
}
