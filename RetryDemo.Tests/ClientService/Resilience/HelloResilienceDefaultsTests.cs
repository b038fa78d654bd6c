using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloCalls;

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

        Assert.Equal(HelloResilienceDefaults.MaxRetryAttempts, configured.Retry.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, configured.Retry.BackoffType);
        Assert.True(configured.Retry.UseJitter);
        Assert.True(configured.Retry.ShouldRetryAfterHeader);
        Assert.Equal(HelloResilienceDefaults.RetryDelay, configured.Retry.Delay);
        Assert.Equal(HelloResilienceDefaults.MaxRetryDelay, configured.Retry.MaxDelay);
        Assert.Equal(HelloResilienceDefaults.AttemptTimeout, configured.AttemptTimeout.Timeout);
        Assert.Equal(HelloResilienceDefaults.TotalRequestTimeout, configured.TotalRequestTimeout.Timeout);
        Assert.Equal(HelloResilienceDefaults.BreakerSamplingDuration, configured.CircuitBreaker.SamplingDuration);
        Assert.Equal(HelloResilienceDefaults.BreakerFailureRatio, configured.CircuitBreaker.FailureRatio);
        Assert.Equal(HelloResilienceDefaults.BreakerMinimumThroughput, configured.CircuitBreaker.MinimumThroughput);
        Assert.Equal(HelloResilienceDefaults.BreakerBreakDuration, configured.CircuitBreaker.BreakDuration);
    }

    [Fact]
    public async Task Start_WithSamplingShorterThanTwoAttemptTimeouts_FailsValidation()
    {
        await using var pipeline = new HelloPipeline(
            ScriptedHandler.Statuses(System.Net.HttpStatusCode.OK),
            settings: new() { ["HelloClient:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:03" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(pipeline.StartAsync);

        // The handler's own rule, with the value that broke it: not any other start-up failure.
        Assert.Contains("sampling duration of circuit breaker", error.Message);
        Assert.Contains("Sampling Duration: 3s", error.Message);
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
