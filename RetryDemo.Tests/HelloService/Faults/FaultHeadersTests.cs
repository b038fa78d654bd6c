using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Faults.Profile;

namespace RetryDemo.Tests.HelloService.Faults;

[Trait("Category", "Unit")]
public class FaultHeadersTests
{
    // A valid value for each kind that differs from every option's default (0, 503, false, none), so a
    // header that reached no option leaves the defaults, which the configured profile does not equal.
    private static string ValueFor(FaultSetting setting) => setting.Kind switch
    {
        FaultValueKind.Boolean => "true",
        FaultValueKind.Probability => "0.25",
        FaultValueKind.FailureStatus => "429",
        _ => "7",
    };

    public static TheoryData<string> Settings => [.. FaultSettings.All.Select(setting => setting.Query)];

    [Theory]
    [MemberData(nameof(Settings))]
    public void Apply_EachSetting_OverridesTheProfileOptionWithItsKey(string query)
    {
        var setting = FaultSettings.All.Single(s => s.Query == query);
        var headers = new HeaderDictionary { [setting.Header] = ValueFor(setting) };
        var errors = new Dictionary<string, string[]>();

        var options = FaultHeaders.Apply(new FaultOptions(), headers, errors);

        Assert.Empty(errors);
        // What the profile would hold had the same value been configured under the setting's key.
        var configured = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(setting.ProfileKey, (string?)ValueFor(setting))]).Build()
            .Get<FaultOptions>(binder => binder.ErrorOnUnknownConfiguration = true)!;
        Assert.Equivalent(configured, options, strict: true);
    }

    [Fact]
    public void Apply_NoFaultHeaders_KeepsTheProfile()
    {
        var profile = new FaultOptions { FailureRate = 0.3, LatencyMs = 20 };

        var options = FaultHeaders.Apply(profile, new HeaderDictionary(), []);

        Assert.Equivalent(profile, options, strict: true);
        Assert.NotSame(profile, options);
    }
}
