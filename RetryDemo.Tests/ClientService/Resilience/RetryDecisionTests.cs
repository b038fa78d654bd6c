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
    // The breaker out of the way, to watch the budget alone.
    private static Dictionary<string, string?> Budget(int maxTokens = RetryBudgetDefaults.MaxTokens, bool enabled = true) => new()
    {
        ["HelloClient:RetryBudget:Enabled"] = enabled.ToString(),
        ["HelloClient:RetryBudget:MaxTokens"] = maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000",
    };

    [Theory]
    [InlineData(HttpStatusCode.NotFound, RetryStop.NotTransient, HelloFailure.Rejected, 1)]
    [InlineData(HttpStatusCode.ServiceUnavailable, RetryStop.AttemptsExhausted, HelloFailure.Exhausted, 5)]
    public async Task ShouldRetry_FailedCall_RecordsWhyItStopped(HttpStatusCode status, RetryStop stop, HelloFailure failure, int attempts)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(status));
        AttemptLog? log = null;
        pipeline.Hello.AttemptStarted += request => log = AttemptLog.Of(request);

        var result = await pipeline.GetHelloAsync();

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
        hello.AttemptStarted += request => log = AttemptLog.Of(request);

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(RetryStop.RetryAfterBeyondBudget, log?.Stop);
        Assert.Equal(HelloFailure.RetryAfterBeyondBudget, result.Failure);
        Assert.Equal(1, hello.Attempts);
    }

    [Fact]
    public async Task ShouldRetry_SuccessAfterRetries_RecordsNoStop()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK));
        AttemptLog? log = null;
        pipeline.Hello.AttemptStarted += request => log = AttemptLog.Of(request);

        var result = await pipeline.GetHelloAsync();

        Assert.Null(result.Failure);
        Assert.Null(log?.Stop);
    }

    [Fact]
    public async Task GetHello_BudgetSpent_EndsTheCallWithTheLastFailureCountedAndLogged()
    {
        // A bucket of 4: the first failure leaves 3 (a retry), the second leaves 2, which is not more than half.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget(maxTokens: 4));
        using var failures = new MetricCollector<long>(pipeline.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ClientTelemetry.Name, "retrydemo.hello.call.failures");

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(2, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.RetryBudgetExhausted, result.Failure);
        Assert.Equal(503, result.LastStatusCode);

        var measurement = Assert.Single(failures.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("budget_exhausted", measurement.Tags["retrydemo.outcome"]);

        var refusal = Assert.Single(pipeline.Logs.GetSnapshot(), r => r.Category == typeof(RetryDecision).FullName);
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains($"no retry after attempt 2 of request {result.Report.RequestId}", refusal.Message);
        Assert.Contains("2 of 4 tokens left", refusal.Message);
    }

    [Fact]
    public async Task GetHello_HelloServiceDown_TwoCallsAreRetriedThenFirstAttemptsOnly()
    {
        // 20 tokens: two fully retried calls (10 failures) drain half the bucket; every later call
        // makes one attempt — 28 attempts for 20 calls, not the 100 the retry count alone would send.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget());
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 20; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.Equal(28, pipeline.Hello.Attempts);
        Assert.Equal([HelloFailure.Exhausted, HelloFailure.Exhausted, .. Enumerable.Repeat(HelloFailure.RetryBudgetExhausted, 18)], results.Select(r => r.Failure));
    }

    [Fact]
    public async Task GetHello_AfterAnOutage_ThreeGoodAnswersRestoreRetries()
    {
        // Calls 1–5 fail (5 + 5 + 1 + 1 + 1 attempts: 7 tokens left); calls 6–8 answer at once (+2 each:
        // 13); call 9 fails once (12, more than half) and so is retried.
        var script = new Queue<HttpStatusCode>([.. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 13),
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK]);
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(script.Dequeue())));
        await using var pipeline = new HelloPipeline(hello, settings: Budget());
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 9; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.Equal(HelloFailure.RetryBudgetExhausted, results[4].Failure);
        Assert.All(results.Skip(5), r => Assert.Null(r.Failure));
        Assert.Equal([503, 200], results[8].Report.Attempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task GetHello_HalfOfAttemptsFailing_SequentialCaller_MostCallsSucceed()
    {
        // 200 calls one after another, each attempt failing at 50 % (seeded): good answers refill the
        // bucket as fast as failures drain it, and the breaker (it needs every attempt to fail) stays shut.
        var random = new Random(20261129);
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(random.NextDouble() < 0.5 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 200; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.DoesNotContain(results, r => r.Failure is HelloFailure.CircuitOpen or HelloFailure.RetryBudgetExhausted);
        Assert.True(results.Count(r => r.Failure is null) >= 190, $"{results.Count(r => r.Failure is null)} of 200 succeeded");
    }

    [Fact]
    public async Task GetHello_BudgetDisabled_RetriesAsTheStandardHandlerDoes()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget(maxTokens: 2, enabled: false));

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(5, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.Exhausted, result.Failure);
    }
}
