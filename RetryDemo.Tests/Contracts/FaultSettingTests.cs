using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.Contracts;

[Trait("Category", "Unit")]
public sealed class FaultSettingTests
{
    public static TheoryData<string, string> Spaced => new()
    {
        { "failFirst", " 1" },
        { "failFirst", "1 " },
        { "failFirst", "\t1" },
        { "failStatus", " 503" },
        { "seed", " 12" },
        { "failureRate", "0.5 " },
        { "failureRate", " 0.5" },
        { "hang", " true" },
        { "hang", "true\0" },
        { "hang", "false " },
        { "failFirst", "1\0" },
        { "failureRate", "1\0\0" },
        { "latencyMs", "10\0" },
    };

    [Theory]
    [MemberData(nameof(Spaced))]
    public void TryParse_WhitespaceAroundTheValue_IsRefusedNamingTheField(string query, string raw)
    {
        var setting = FaultSettings.All.Single(s => s.Query == query);

        Assert.False(setting.TryParse(raw, query, out _, out var error));
        Assert.StartsWith(query + " must be", error);
    }

    [Theory]
    [InlineData("failFirst", "1", 1)]
    [InlineData("failStatus", "503", 503)]
    [InlineData("failureRate", "0.5", 0.5)]
    [InlineData("hang", "true", 1)]
    [InlineData("hang", "False", 0)]
    public void TryParse_ExactValue_IsTaken(string query, string raw, double expected)
    {
        Assert.True(FaultSettings.All.Single(s => s.Query == query).TryParse(raw, query, out var value, out _));
        Assert.Equal(expected, value);
    }
}
