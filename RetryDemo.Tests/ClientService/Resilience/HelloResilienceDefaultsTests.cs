using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

[Trait("Category", "Unit")]
public class HelloResilienceDefaultsTests
{
    [Fact]
    public void Defaults_KeepTheStandardHandlersRules()
    {
        Assert.True(HelloResilienceDefaults.AttemptTimeout <= HelloResilienceDefaults.TotalRequestTimeout);
        Assert.True(HelloResilienceDefaults.BreakerSamplingDuration >= 2 * HelloResilienceDefaults.AttemptTimeout);
        Assert.True(HelloResilienceDefaults.RetryDelay < TimeSpan.FromSeconds(1), "first retry within a few hundred milliseconds");
    }

    [Fact]
    public async Task Pipeline_WithoutConfiguration_RunsTheDefaults()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK));
        var configured = pipeline.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get(HelloPipeline.PipelineName);

        // The tuned values, written out: a change to a default must change this test on purpose (docs/resilience.md's table).
        Assert.Equal(4, configured.Retry.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, configured.Retry.BackoffType);
        Assert.True(configured.Retry.UseJitter);
        Assert.True(configured.Retry.ShouldRetryAfterHeader);
        Assert.Equal(TimeSpan.FromMilliseconds(200), configured.Retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(2), configured.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), configured.AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(15), configured.TotalRequestTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), configured.CircuitBreaker.SamplingDuration);
        Assert.Equal(1.0, configured.CircuitBreaker.FailureRatio);
        Assert.Equal(10, configured.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromMilliseconds(500), configured.CircuitBreaker.BreakDuration);
    }

    [Fact]
    public async Task Start_WithSamplingShorterThanTwoAttemptTimeouts_FailsValidation()
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { ["HelloClient:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:03" });

        // Both pipelines take the Resilience section (the hedging one its breaker), so the rule may break in each.
        var thrown = await Assert.ThrowsAnyAsync<Exception>(pipeline.StartAsync);
        var errors = thrown is AggregateException all ? all.InnerExceptions : [thrown];

        // The handler's own rule, with the value that broke it: not any other start-up failure.
        Assert.All(errors, error =>
        {
            Assert.IsType<OptionsValidationException>(error);
            Assert.Contains("sampling duration of circuit breaker", error.Message);
            Assert.Contains("Sampling Duration: 3s", error.Message);
        });
    }

    [Fact]
    public async Task Start_WithUnknownResilienceKey_Fails()
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { ["HelloClient:Resilience:Retry:MaxRetries"] = "3" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(pipeline.StartAsync);

        // The binder names the key it does not know, and where it looked.
        Assert.Contains("'MaxRetries'", error.Message);
        Assert.Contains(nameof(HttpRetryStrategyOptions), error.Message);
    }
}
