using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>Every retry decision inside the real tuned pipeline, on virtual time, and the reason it records.</summary>
[Trait("Category", "Unit")]
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
    public async Task GetHello_HelloServiceDown_FiveCallsAreRetriedThenFirstAttemptsOnly()
    {
        // 50 tokens: five fully retried calls (25 failures) drain half the bucket; every later call
        // makes one attempt — 40 attempts for 20 calls, not the 100 the retry count alone would send.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), settings: Budget());
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 20; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.Equal(40, pipeline.Hello.Attempts);
        Assert.Equal([.. Enumerable.Repeat(HelloFailure.Exhausted, 5), .. Enumerable.Repeat(HelloFailure.RetryBudgetExhausted, 15)], results.Select(r => r.Failure));
    }

    [Fact]
    public async Task GetHello_AfterAnOutage_TwoGoodAnswersRestoreRetries()
    {
        // Calls 1–5 fail fully (25 attempts: 25 tokens left, no more than half); call 6 fails once (24)
        // and is not retried; calls 7–8 answer at once (+2 each: 28); call 9 fails once (27, more than
        // half) and so is retried.
        var script = new Queue<HttpStatusCode>([.. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 26),
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK]);
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(script.Dequeue())));
        await using var pipeline = new HelloPipeline(hello, settings: Budget());
        var results = new List<HelloCallResult<HelloReply>>();

        for (var call = 0; call < 9; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.All(results.Take(5), r => Assert.Equal(HelloFailure.Exhausted, r.Failure));
        Assert.Equal(HelloFailure.RetryBudgetExhausted, results[5].Failure);
        Assert.All(results.Skip(6), r => Assert.Null(r.Failure));
        Assert.Equal([503, 200], results[8].Report.Attempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task GetHello_HalfOfAttemptsFailing_TenSeededSequentialRuns_EveryFailureIsFiveFailedAttempts()
    {
        // 10 runs of 200 calls one after another, each attempt failing at 50 %: good answers refill the
        // bucket as fast as failures drain it (the random walk: docs/retry-budget.md), and the breaker (it
        // needs every attempt to fail) stays shut, so in every run a call fails only when all five of its
        // attempts did (3.1 %). Over 2,000 calls 95 % is five standard deviations below 96.9 %; a single run
        // of 200 misses 95 % with probability 0.051 (binomial), which no budget can change.
        var runs = new List<List<HelloCallResult<HelloReply>>>();
        for (var seed = 1; seed <= 10; seed++)
        {
            runs.Add(await SequentialCallsAsync(200, failure: 0.5, seed));
        }

        Assert.All(runs, run => Assert.All(run.Where(r => r.Failure is not null), r =>
        {
            Assert.Equal(HelloFailure.Exhausted, r.Failure);
            Assert.Equal(5, r.Report.Attempts.Count);
        }));
        var succeeded = runs.Sum(run => run.Count(r => r.Failure is null));
        Assert.True(succeeded >= 1_900, $"{succeeded} of 2,000 succeeded; per run: {string.Join(", ", runs.Select(run => run.Count(r => r.Failure is null)))}");
    }

    [Fact]
    public async Task GetHello_FourInFiveAttemptsFailing_RetriesMostlyStop()
    {
        // At 80 % retries rarely help (a call needs 3.4 attempts on average to succeed or give up); the
        // bucket drains, and once it is half empty calls make one attempt each.
        var results = await SequentialCallsAsync(200, failure: 0.8, seed: 1);

        var attempts = results.Sum(r => r.Report.Attempts.Count);
        Assert.Contains(results, r => r.Failure is HelloFailure.RetryBudgetExhausted);
        Assert.True(attempts < 2 * results.Count, $"{attempts} attempts for {results.Count} calls");
    }

    /// <summary>Calls made one after another, each attempt failing with probability <paramref name="failure"/> (seeded).</summary>
    private static async Task<List<HelloCallResult<HelloReply>>> SequentialCallsAsync(int calls, double failure, int seed)
    {
        var random = new Random(seed);
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(random.NextDouble() < failure ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);
        var results = new List<HelloCallResult<HelloReply>>();
        for (var call = 0; call < calls; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        return results;
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
