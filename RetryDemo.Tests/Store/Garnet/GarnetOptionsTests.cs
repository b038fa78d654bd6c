using System.ComponentModel.DataAnnotations;
using RetryDemo.Store.Garnet;

namespace RetryDemo.Tests.Store.Garnet;

[Trait("Category", "Unit")]
public sealed class GarnetOptionsTests
{
    [Fact]
    public void Defaults_AreTheShippedStore()
    {
        var options = new GarnetOptions();

        Assert.Equal(("512m", "512m", "64m", 8, 60), (options.Memory, options.Index, options.Segment, options.CompactionSegments, options.CompactionFrequencySeconds));
        Assert.Empty(Errors(options));
    }

    [Theory]
    [InlineData("64k", 64L << 10)]
    [InlineData("16m", 16L << 20)]
    [InlineData("2g", 2L << 30)]
    public void TryParse_GarnetSize_IsItsBytes(string size, long bytes)
    {
        Assert.True(GarnetSizes.TryParse(size, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("m")]
    [InlineData(" 64m")]
    [InlineData("+64m")]
    [InlineData("-1m")]
    [InlineData("64M")]
    [InlineData("64")]
    [InlineData("9223372036854775807k")]
    [InlineData("8589934592g")]
    [InlineData("99999999999999999999m")]
    public void TryParse_NotASizeOrPastALong_IsFalse(string? size) => Assert.False(GarnetSizes.TryParse(size, out _));

    [Fact]
    public void Parse_NotASize_ThrowsFormatExceptionSayingTheForm() =>
        Assert.Contains("a whole number, then k, m or g", Assert.Throws<FormatException>(() => GarnetSizes.Parse("")).Message, StringComparison.Ordinal);

    public static TheoryData<GarnetOptions, string> Refused => new()
    {
        { new GarnetOptions { Segment = "8m" }, "Store:Segment must be at least 16m (was 8m)." },
        { new GarnetOptions { Segment = "48m" }, "Store:Segment must be a power of two, such as 64m (was 48m)." },
        { new GarnetOptions { Memory = "32m" }, "Store:Memory must be at least 64m (was 32m)." },
        { new GarnetOptions { Memory = "99999999999999999999m" }, "Store:Memory must be a size such as 64m, under 8 exabytes (was 99999999999999999999m)." },
        { new GarnetOptions { Index = "512k" }, "Store:Index must be at least 1m (was 512k)." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Validate_SizeGarnetWouldRefuse_NamesTheSetting(GarnetOptions options, string error) => Assert.Equal(error, Assert.Single(Errors(options)));

    [Fact]
    public void Validate_SegmentOfAPageAndMemoryOfFourPages_IsValid() => Assert.Empty(Errors(new GarnetOptions { Segment = "16m", Memory = "64m" }));

    private static IEnumerable<string?> Errors(GarnetOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(result => result.ErrorMessage);
    }
}
