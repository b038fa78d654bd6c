using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Hedging;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Hedging;

[Trait("Category", "Unit")]
public class HedgingDefaultsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        // Written out: a change to a default must change this test on purpose (docs/resilience.md's hedging table).
        Assert.Equal(1, HedgingDefaults.MaxHedgedAttempts);
        Assert.True(HedgingDefaults.AdaptiveDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(50), HedgingDefaults.Delay);
        Assert.Equal(0.95, HedgingDefaults.DelayPercentile);
        Assert.Equal(TimeSpan.FromMilliseconds(20), HedgingDefaults.MinDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), HedgingDefaults.MaxDelay);
        Assert.Equal(1000, HedgingDefaults.DelayWindow);
        Assert.Equal(50, HedgingDefaults.DelayRecomputeEvery);
    }

    [Fact]
    public async Task Pipeline_WithoutConfiguration_HedgesWithTheDefaultsAndTheRetryPipelinesLimits()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK));
        var options = pipeline.Services.GetRequiredService<IOptionsMonitor<HttpStandardHedgingResilienceOptions>>().Get(HelloHedgingExtensions.ClientName);

        Assert.Equal(HedgingDefaults.MaxHedgedAttempts, options.Hedging.MaxHedgedAttempts);
        Assert.Equal(TimeSpan.FromSeconds(15), options.TotalRequestTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Endpoint.Timeout.Timeout);
        Assert.Equal(1.0, options.Endpoint.CircuitBreaker.FailureRatio);
        Assert.Equal(10, options.Endpoint.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Endpoint.CircuitBreaker.SamplingDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Endpoint.CircuitBreaker.BreakDuration);
    }

    [Theory]
    [InlineData("Delay", "00:00:00", "Delay")]
    [InlineData("Delay", "-00:00:01", "Delay")]
    [InlineData("MaxDelay", "00:00:00", "MaxDelay")]
    [InlineData("MinDelay", "00:00:01.500", "MinDelay")]
    [InlineData("MaxHedgedAttempts", "3", "MaxHedgedAttempts")]
    [InlineData("DelayPercentile", "1", "DelayPercentile")]
    public async Task Start_WithAnImpossibleSetting_FailsNamingIt(string key, string value, string named)
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { [$"{HedgingOptions.SectionName}:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(pipeline.StartAsync);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
