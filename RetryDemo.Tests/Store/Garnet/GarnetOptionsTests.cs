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

        Assert.Equal(("512m", "256m", "64m", 8, 60), (options.Memory, options.Index, options.Segment, options.CompactionSegments, options.CompactionFrequencySeconds));
    }

    [Theory]
    [InlineData("64k", 64L << 10)]
    [InlineData("16m", 16L << 20)]
    [InlineData("2G", 2L << 30)]
    public void Parse_GarnetSize_IsItsBytes(string size, long bytes) => Assert.Equal(bytes, GarnetSizes.Parse(size));

    [Fact]
    public void Validate_SegmentSmallerThanAPage_NamesStoreSegment()
    {
        var options = new GarnetOptions { Segment = "8m" };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains("Store:Segment must be at least Garnet's page, 16m (was 8m)", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SegmentOfAPage_IsValid()
    {
        var options = new GarnetOptions { Segment = "16m" };

        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
