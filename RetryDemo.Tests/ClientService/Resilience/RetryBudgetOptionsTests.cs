using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

[Trait("Category", "Unit")]
public class RetryBudgetOptionsTests
{
    [Theory]
    [InlineData("MaxTokens", "1")]
    [InlineData("MaxTokens", "1001")]
    [InlineData("TokenRatio", "0")]
    [InlineData("TokenRatio", "11")]
    public async Task Start_WithOutOfRangeValue_FailsNamingIt(string key, string value)
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { [$"HelloClient:RetryBudget:{key}"] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(pipeline.StartAsync);
        Assert.Contains(key, error.Message);
    }
}
