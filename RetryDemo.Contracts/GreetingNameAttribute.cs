using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;

namespace RetryDemo.Contracts;

/// <summary>
/// A greeting's name: 1–100 visible characters and at most 2,500 bytes in UTF-8. Characters are counted as text elements (grapheme clusters, as a
/// person counts them), so emoji, ZWJ sequences, combining marks and CJK are each one. Refused: a
/// control or format character standing on its own (a tab, a line break, a zero-width space, a soft
/// hyphen…), and an unpaired surrogate. Format characters inside a cluster — the zero-width joiner of
/// 👩‍💻, the tags of a subdivision flag — belong to the visible character they join; TAG characters
/// anywhere else (after "Bob", say) are hidden text and refused. A name must show at least one
/// character: fillers that render as blank (Hangul fillers, the braille blank) don't count.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class GreetingNameAttribute : ValidationAttribute
{
    public const int MaxLength = 100;

    /// <summary>
    /// The most bytes a name takes in UTF-8, the way a body is measured, so the longest name fits the body limit
    /// (<see cref="GreetingBody.MaxBytes"/>) however it is escaped, and a stored greeting stays small. 100 CJK
    /// characters take 300 bytes, 100 👩‍💻 1,100, 100 family emoji 👨‍👩‍👧‍👦 2,500; 100 skin-toned families (4,100) don't fit.
    /// </summary>
    public const int MaxUtf8Bytes = 2500;

    /// <summary>The longest character (text element) in UTF-16 units: a family emoji or a subdivision flag fits; a letter carrying hidden marks doesn't.</summary>
    public const int MaxElementLength = 32;

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
        if (HasUnpairedSurrogate(trimmed))
        {
            return "The name contains an unpaired surrogate (not a character).";
        }

        var elements = 0;
        var visible = false;
        for (var start = 0; start < trimmed.Length; elements++)
        {
            var length = StringInfo.GetNextTextElementLength(trimmed, start);
            var element = trimmed.AsSpan(start, length);
            Rune.DecodeFromUtf16(element, out var first, out _);
            if (ElementProblem(element, first) is { } problem)
            {
                return problem;
            }

            // A cluster that is only marks or selectors (U+034F, U+FE0F on their own) shows nothing either.
            visible |= !Rune.IsWhiteSpace(first) && !IsBlankFiller(first)
                       && Rune.GetUnicodeCategory(first) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
            start += length;
        }

        if (!visible)
        {
            return "The name is required and must contain visible characters.";
        }

        if (elements > MaxLength)
        {
            return $"The name is {elements} characters long; at most {MaxLength} are allowed.";
        }

        var bytes = Encoding.UTF8.GetByteCount(trimmed);
        return bytes <= MaxUtf8Bytes ? null : $"The name takes {bytes} bytes in UTF-8; at most {MaxUtf8Bytes} are allowed.";
    }

    private static bool HasUnpairedSurrogate(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return true;
            }

            i += consumed;
        }

        return false;
    }

    /// <summary>Why one text element (a user-perceived character) may not be in a name, or null.</summary>
    private static string? ElementProblem(ReadOnlySpan<char> element, Rune first)
    {
        if (Rune.GetUnicodeCategory(first) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            || ContainsControl(element))
        {
            return $"The name contains a control or format character (U+{first.Value:X4}); it must be visible characters only.";
        }

        if (HasStrayTags(element, first))
        {
            return "The name contains TAG characters outside a flag; they are hidden text, not part of a name.";
        }

        return element.Length > MaxElementLength
            ? $"The name has a character made of more than {MaxElementLength} code units (marks or selectors piled on one letter)."
            : null;
    }

    // Letters by category, yet drawn as nothing: Hangul fillers, the halfwidth Hangul filler, the braille blank.
    private static bool IsBlankFiller(Rune rune) => rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800;

    // TAG characters (U+E0020–U+E007F) belong only to a tag sequence: the black flag, tags, then the cancel tag.
    private static bool HasStrayTags(ReadOnlySpan<char> element, Rune first)
    {
        var tags = false;
        var last = first;
        foreach (var rune in element.EnumerateRunes())
        {
            tags |= rune.Value is >= 0xE0020 and <= 0xE007F;
            last = rune;
        }

        return tags && (first.Value != 0x1F3F4 || last.Value != 0xE007F);
    }

    private static bool ContainsControl(ReadOnlySpan<char> element)
    {
        foreach (var rune in element.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return true;
            }
        }

        return false;
    }
}
