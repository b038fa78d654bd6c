using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Resilience;

public class RetryBudgetOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        Assert.True(RetryBudgetDefaults.Enabled);
        Assert.Equal(0.1, RetryBudgetDefaults.RetryRatio);
        Assert.Equal(TimeSpan.FromSeconds(10), RetryBudgetDefaults.Window);
        Assert.Equal(1, RetryBudgetDefaults.MinRetriesPerSecond);
        Assert.True(RetryBudgetDefaults.RefundSuccessfulRetries);

        var options = new RetryBudgetOptions();
        Assert.Equal(
            (RetryBudgetDefaults.Enabled, RetryBudgetDefaults.RetryRatio, RetryBudgetDefaults.Window, RetryBudgetDefaults.MinRetriesPerSecond, RetryBudgetDefaults.RefundSuccessfulRetries),
            (options.Enabled, options.RetryRatio, options.Window, options.MinRetriesPerSecond, options.RefundSuccessfulRetries));
    }

    [Fact]
    public async Task AppSettings_ConfiguresTheSameValuesAsDefaults()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK));
        var configured = pipeline.Services.GetRequiredService<IOptions<RetryBudgetOptions>>().Value;

        Assert.Equal(
            (RetryBudgetDefaults.Enabled, RetryBudgetDefaults.RetryRatio, RetryBudgetDefaults.Window, RetryBudgetDefaults.MinRetriesPerSecond, RetryBudgetDefaults.RefundSuccessfulRetries),
            (configured.Enabled, configured.RetryRatio, configured.Window, configured.MinRetriesPerSecond, configured.RefundSuccessfulRetries));
    }

    [Theory]
    [InlineData("RetryRatio", "-0.1")]
    [InlineData("RetryRatio", "11")]
    [InlineData("Window", "00:00:00")]
    [InlineData("MinRetriesPerSecond", "-1")]
    public async Task Start_WithOutOfRangeValue_FailsNamingIt(string key, string value)
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { [$"HelloClient:RetryBudget:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(pipeline.StartAsync);
        Assert.Contains(key, error.Message);
    }
}
