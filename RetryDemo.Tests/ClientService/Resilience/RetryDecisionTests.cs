using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.ClientService.Hello;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>Every retry decision inside the real tuned pipeline, on virtual time, and the reason it records.</summary>
public class RetryDecisionTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Budget(double ratio, double minRetriesPerSecond, bool refund = true, bool enabled = true, double perSuccess = 0) => new()
    {
        ["HelloClient:RetryBudget:Enabled"] = enabled.ToString(),
        ["HelloClient:RetryBudget:RetriesPerSuccess"] = perSuccess.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HelloClient:RetryBudget:RetryRatio"] = ratio.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HelloClient:RetryBudget:MinRetriesPerSecond"] = minRetriesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HelloClient:RetryBudget:RefundSuccessfulRetries"] = refund.ToString(),
    };

    [Fact]
    public async Task GetHello_BudgetSpent_EndsTheCallWithTheLastFailureCountedAndLogged()
    {
        // Two retries per 10 s window (0.2/s), none earned from traffic.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget(ratio: 0, minRetriesPerSecond: 0.2));
        using var failures = new MetricCollector<long>(pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ClientTelemetry.Name, "retrydemo.hello.call.failures");

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(3, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.RetryBudgetExhausted, result.Failure);
        Assert.Equal(503, result.LastStatusCode);

        var measurement = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("budget_exhausted", measurement.Tags["retrydemo.outcome"]);

        var refusal = Assert.Single(pipeline.Logs.GetSnapshot(), r => r.Category == typeof(RetryDecision).FullName);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains($"no retry after attempt 3 of request {result.Report.RequestId}", refusal.Message);
        Assert.Contains("2 retries against 1 first attempts and 0 good answers", refusal.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, RetryStop.NotTransient, HelloFailure.Rejected, 1)]
    [InlineData(HttpStatusCode.ServiceUnavailable, RetryStop.AttemptsExhausted, HelloFailure.Exhausted, 5)]
    public async Task ShouldRetry_FailedCall_RecordsWhyItStopped(HttpStatusCode status, RetryStop stop, HelloFailure failure, int attempts)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(status));
        AttemptLog? log = null;
        pipeline.Hello.AttemptStarted += request => request.Options.TryGetValue(AttemptLog.Key, out log);

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(stop, log?.Stop);
        Assert.Equal(failure, result.Failure);
        Assert.Equal(attempts, pipeline.Hello.Attempts);
    }

    [Fact]
    public async Task ShouldRetry_RetryAfterBeyondTheCap_RecordsItAndEndsTheCallAtOnce()
    {
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(30))));
        await using var pipeline = new HelloPipeline(hello);
        AttemptLog? log = null;
        hello.AttemptStarted += request => request.Options.TryGetValue(AttemptLog.Key, out log);

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(RetryStop.RetryAfterBeyondBudget, log?.Stop);
        Assert.Equal(HelloFailure.RetryAfterBeyondBudget, result.Failure);
        Assert.Equal(1, hello.Attempts);
    }

    [Fact]
    public async Task ShouldRetry_SuccessAfterRetries_RecordsNoStop()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK));
        AttemptLog? log = null;
        pipeline.Hello.AttemptStarted += request => request.Options.TryGetValue(AttemptLog.Key, out log);

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Null(result.Failure);
        Assert.Null(log?.Stop);
    }

    [Fact]
    public async Task GetHello_HalfOfAttemptsFailing_SequentialCaller_MostCallsSucceed()
    {
        // 200 calls one after another, each attempt failing at 50 % (seeded): good answers earn the
        // retries that absorb the faults, and the breaker (it needs every attempt to fail) stays shut.
        var random = new Random(20261129);
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(random.NextDouble() < 0.5 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 200; call++)
        {
            results.Add(await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit));
        }

        Assert.DoesNotContain(results, r => r.Failure is HelloFailure.CircuitOpen or HelloFailure.RetryBudgetExhausted);
        Assert.True(results.Count(r => r.Failure is null) >= 190, $"{results.Count(r => r.Failure is null)} of 200 succeeded");
    }

    [Fact]
    public async Task GetHello_HelloServiceDown_RetriesFallToTheRatioAndTheMinimumRate()
    {
        // Nothing answers well, so nothing earns retries: 20 calls get the minimum rate's 10 retries and
        // the ratio's 2 (0.1 × 20 first attempts) — not the 80 the retry count alone would send.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable),
            settings: new() { ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000" });

        for (var call = 0; call < 20; call++)
        {
            await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);
        }

        Assert.InRange(pipeline.Hello.Attempts, 20 + 10, 20 + 12);
    }

    [Fact]
    public async Task GetHello_LastAttemptFails_CostsNoBudget()
    {
        // Exactly the 4 retries the tuned pipeline makes; the 5th attempt's failure must not ask for a 5th.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget(ratio: 0, minRetriesPerSecond: 0.4));

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(5, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.Exhausted, result.Failure);
        Assert.Equal(4, pipeline.Services.GetRequiredService<RetryBudget>().Snapshot().Retries);
        Assert.DoesNotContain(pipeline.Logs.GetSnapshot(), r => r.Category == typeof(RetryDecision).FullName);
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, HelloFailure.RetryBudgetExhausted)]
    public async Task GetHello_RetryThatSucceeds_IsRefundedWhenRefundsAreOn(bool refund, HelloFailure? secondCall)
    {
        // One retry per window; every call fails once, then works.
        var hello = new ScriptedHandler((attempt, _) => Task.FromResult(ScriptedHandler.Respond(attempt % 2 == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello, settings: Budget(ratio: 0, minRetriesPerSecond: 0.1, refund: refund));

        var first = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);
        var second = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Null(first.Failure);
        Assert.Equal(secondCall, second.Failure);
    }

    [Fact]
    public async Task GetHello_BudgetDisabled_RetriesAsTheStandardHandlerDoes()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget(ratio: 0, minRetriesPerSecond: 0, enabled: false));

        var result = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(5, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.Exhausted, result.Failure);
    }

    [Fact]
    public async Task GetHello_FirstAttempts_EarnRetriesAtTheRatio()
    {
        // Ratio 0.5, no minimum: 4 good calls earn 2 retries, spent by the failing 5th call (which itself earns 0.5 more — not a whole retry).
        var hello = new ScriptedHandler((attempt, _) => Task.FromResult(ScriptedHandler.Respond(attempt <= 4 ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)));
        await using var pipeline = new HelloPipeline(hello, settings: Budget(ratio: 0.5, minRetriesPerSecond: 0));
        for (var i = 0; i < 4; i++)
        {
            Assert.Null((await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit)).Failure);
        }

        var failing = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.Equal(HelloFailure.RetryBudgetExhausted, failing.Failure);
        Assert.Equal(3, failing.Report.Attempts.Count);
    }
}
