using RetryDemo.Contracts;

namespace RetryDemo.Tests.Contracts;

[Trait("Category", "Unit")]
public class GreetingNameAttributeTests
{
    public static TheoryData<string> Visible => new()
    {
        "Ada",
        "Ada Lovelace",
        "Ada 🙂",                                  // a surrogate pair
        "👩‍💻 Grace",                               // a ZWJ sequence: the joiner is a format character inside one cluster
        "José",                                   // e + combining acute accent
        "李小龙",
        "🏴󠁧󠁢󠁳󠁣󠁴󠁿",                                 // a subdivision flag: black flag + tag characters
        "  Ada  ",                                // trimmed
        "\u3164Ada",                              // a filler beside visible characters
        string.Concat(Enumerable.Repeat("👩‍💻", GreetingNameAttribute.MaxLength)), // 100 characters, 500 UTF-16 units
    };

    public static TheoryData<string?, string> Invisible => new()
    {
        { null, "required" },
        { "", "required" },
        { "   ", "required" },
        { "A\u0001d\u0007a", "control or format" },
        { "Ada\nLovelace", "control or format" },
        { "Ada\tLovelace", "control or format" },
        { "Ada\u200b", "control or format" },    // zero-width space
        { "\u00adAda", "control or format" },    // soft hyphen
        { "\u200dAda", "control or format" },    // a joiner that joins nothing
        { new string('n', GreetingNameAttribute.MaxLength + 1), "at most 100" },
        { string.Concat(Enumerable.Repeat("🙂", GreetingNameAttribute.MaxLength + 1)), "at most 100" },
        { "\u3164\u3164\u3164", "visible characters" },   // Hangul fillers only
        { "\u2800 \u2800", "visible characters" },        // braille blanks and a space
        { "\uFFA0\u115F\u1160", "visible characters" },   // the other Hangul fillers
        { "Bob" + string.Concat(Enumerable.Repeat(char.ConvertFromUtf32(0xE0041), 28)), "TAG characters" }, // hidden text after a name
        { "🏴" + char.ConvertFromUtf32(0xE0067) + char.ConvertFromUtf32(0xE0062), "TAG characters" },    // a flag never cancelled
        { "Bob\u2028Eve", "control or format" },                 // a line separator
        { "Bob\u2029Eve", "control or format" },                 // a paragraph separator
        { "\u034f", "visible characters" },                      // a combining grapheme joiner alone
        { "\ufe0f \u0301", "visible characters" },              // a variation selector and an accent, on nothing
        { "Bob" + string.Concat(Enumerable.Repeat(char.ConvertFromUtf32(0xE0100), 40)), "more than 32" }, // hidden selectors on a letter
        { "🏴" + string.Concat(Enumerable.Repeat(char.ConvertFromUtf32(0xE0061), 30)) + char.ConvertFromUtf32(0xE007F), "more than 32" }, // a "flag" carrying text
    };

    [Theory]
    [MemberData(nameof(Visible))]
    public void Problem_VisibleName_IsNone(string name) => Assert.Null(GreetingNameAttribute.Problem(name));

    [Fact]
    public void Problem_UnpairedSurrogate_SaysWhy()
    {
        // Built here, not in theory data: xunit serializes theory data and would replace a lone surrogate with U+FFFD.
        Assert.Contains("unpaired surrogate", GreetingNameAttribute.Problem("Ada" + (char)0xD83D)); // high surrogate alone
        Assert.Contains("unpaired surrogate", GreetingNameAttribute.Problem((char)0xDE00 + "Ada")); // low surrogate alone
        Assert.Null(GreetingNameAttribute.Problem("Ada" + (char)0xD83D + (char)0xDE00));            // the pair: 😀
    }

    [Theory]
    [MemberData(nameof(Invisible))]
    public void Problem_InvisibleOrTooLongName_SaysWhy(string? name, string expected) =>
        Assert.Contains(expected, GreetingNameAttribute.Problem(name));

    [Theory]
    [InlineData("👨‍👩‍👧‍👦", 100, null)]
    [InlineData("👨🏻‍👩🏻‍👧🏻‍👦🏻", 61, "The name takes 2501 bytes in UTF-8; at most 2500 are allowed.")]
    [InlineData("李", 100, null)]
    public void Problem_UpToTheUtf8Limit_IsNoneAndPastIt_SaysHowMany(string cluster, int count, string? expected) =>
        Assert.Equal(expected, GreetingNameAttribute.Problem(string.Concat(Enumerable.Repeat(cluster, count))));
}
