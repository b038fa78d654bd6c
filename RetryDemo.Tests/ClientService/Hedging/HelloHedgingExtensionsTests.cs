using RetryDemo.ClientService.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.Hedging;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Hedging;

/// <summary>The hedging pipeline on virtual time: when a hedge goes, what the report says of it, what stops it.</summary>
[Trait("Category", "Unit")]
public class HelloHedgingExtensionsTests
{
    private static readonly TimeSpan Ms50 = TimeSpan.FromMilliseconds(50);

    // Without moving the clock: a call whose attempts all answer at once must end without the hedging delay
    // running out, and RunAsync would move the clock the moment that delay starts.
    private static Task<HelloCallResult<HelloReply>> GetHedgedAtOnceAsync(HelloPipeline pipeline) =>
        pipeline.CreateClient().GetHelloHedgedAsync(FaultValues.None, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    // The clock moved by exactly the hedging delay once attempt 1 has started (it hangs until cut), and by
    // nothing else: RunAsync would keep moving it while the attempt hangs, and could reach its timeout.
    private static async Task<HelloCallResult<HelloReply>> HedgeAfterAsync(HelloPipeline pipeline, TimeSpan delay)
    {
        var call = pipeline.CreateClient().GetHelloHedgedAsync(FaultValues.None, TestContext.Current.CancellationToken);
        await pipeline.Hello.WaitForAttemptAsync(1);
        await pipeline.Time.NextDelayAsync(due => due == delay, $"the hedging delay of {delay.TotalMilliseconds} ms");
        pipeline.Time.Advance(delay);
        return await call.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    // Attempt 1 hangs until it is cut; every later one answers at once.
    private static ScriptedHandler SlowFirst() =>
        new((hello, attempt, ct) => attempt == 1 ? hello.HangAsync(ct) : Task.FromResult(ScriptedHandler.Respond(HttpStatusCode.OK)));

    [Fact]
    public async Task GetHelloHedged_FirstAttemptSlow_HedgeAfterTheDelayAnswers()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());

        var result = await HedgeAfterAsync(pipeline, Ms50);

        Assert.NotNull(result.Reply);
        Assert.Equal(2, pipeline.Hello.Attempts);
        var (first, hedge) = (result.Report.Attempts[0], result.Report.Attempts[1]);
        Assert.Equal((false, false, "lost"), (first.Hedge, first.Answered, first.Error));
        Assert.Equal((true, true, (int?)200), (hedge.Hedge, hedge.Answered, hedge.StatusCode));
        Assert.Equal(Ms50, hedge.StartedAt - first.StartedAt); // the configured delay, before any answer is known
        Assert.Equal(Ms50, first.Duration); // cut the moment the hedge answered
    }

    /// <summary>The hedge that answered is counted as answered, and its attempt log says it was a hedge.</summary>
    [Fact]
    public async Task GetHelloHedged_HedgeAnswers_IsCountedAnsweredAndLoggedAsAHedge()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());
        using var hedges = new MetricCollector<long>(pipeline.Services.GetRequiredService<IMeterFactory>(), ClientTelemetry.Name, "retrydemo.hello.hedges");

        await HedgeAfterAsync(pipeline, Ms50);

        var counted = Assert.Single(hedges.GetMeasurementSnapshot());
        Assert.Equal((1L, (object?)true), (counted.Value, counted.Tags["retrydemo.hedge.answered"]));
        var attempts = pipeline.Logs.GetSnapshot().Where(r => r.Id.Id == 3101).Select(r => r.Message).ToList();
        Assert.Contains(attempts, message => message.StartsWith("Hello attempt 2 ", StringComparison.Ordinal) && message.EndsWith("as hedge", StringComparison.Ordinal));
        Assert.DoesNotContain(attempts, message => message.StartsWith("Hello attempt 1 ", StringComparison.Ordinal) && message.EndsWith("as hedge", StringComparison.Ordinal));
    }

    /// <summary>
    /// Retries and hedges draw on one budget: plain calls whose retries failed leave no token for a hedge, so a
    /// slow HelloService that is also failing gets no extra load from the hedged call.
    /// </summary>
    [Fact]
    public async Task GetHelloHedged_AfterPlainCallsRetriesSpentTheBudget_SendsNoHedge()
    {
        var hedgedCall = false;
        await using var pipeline = new HelloPipeline(
            new ScriptedHandler((hello, _, ct) => Volatile.Read(ref hedgedCall) ? hello.HangAsync(ct) : Task.FromResult(ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable))),
            settings: new() { ["HelloClient:RetryBudget:MaxTokens"] = "4", ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000" });
        var plain = await pipeline.GetHelloAsync();
        Assert.Equal(HelloFailure.RetryBudgetExhausted, plain.Failure); // one retry, then the budget said no

        Volatile.Write(ref hedgedCall, true);
        var attemptsBefore = pipeline.Hello.Attempts;
        var hedged = await pipeline.GetHelloHedgedAsync();

        Assert.Equal(HelloFailure.RetryBudgetExhausted, hedged.Failure);
        Assert.Equal(1, pipeline.Hello.Attempts - attemptsBefore);
        Assert.Single(pipeline.Logs.GetSnapshot(), r => r.Id.Id == 3301);
    }

    [Fact]
    public async Task GetHelloHedged_FirstAttemptAnswersInTime_SendsNoHedge()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.OK));

        var result = await GetHedgedAtOnceAsync(pipeline);

        var only = Assert.Single(result.Report.Attempts);
        Assert.Equal((false, true), (only.Hedge, only.Answered));
        Assert.Equal(1, pipeline.Hello.Attempts);
    }

    [Fact]
    public async Task GetHelloHedged_FirstAttemptFailsTransiently_HedgesAtOnce()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK));

        var result = await GetHedgedAtOnceAsync(pipeline);

        Assert.NotNull(result.Reply);
        Assert.Equal([(503, false, false), (200, true, true)], result.Report.Attempts.Select(a => (a.StatusCode ?? 0, a.Hedge, a.Answered)));
        Assert.Equal(TimeSpan.Zero, result.Report.Attempts[1].StartedAt); // no backoff, no hedging delay
    }

    [Fact]
    public async Task GetHelloHedged_BothAttemptsFail_EndsExhaustedAfterOneHedge()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));

        var result = await GetHedgedAtOnceAsync(pipeline);

        Assert.Equal(HelloFailure.Exhausted, result.Failure);
        Assert.Equal(2, pipeline.Hello.Attempts);
        Assert.Single(result.Report.Attempts, a => a.Answered); // whichever failure the hedging strategy returned
    }

    [Fact]
    public async Task GetHelloHedged_NotTransient_IsRejectedWithoutAHedge()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.BadRequest, HttpStatusCode.OK));

        var result = await GetHedgedAtOnceAsync(pipeline);

        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal(1, pipeline.Hello.Attempts);
    }

    [Fact]
    public async Task GetHelloHedged_RetryBudgetAtItsThreshold_SendsNoHedgeAndSaysWhy()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());
        var budget = pipeline.Services.GetRequiredService<RetryBudget>();
        while (budget.RetriesAllowed)
        {
            budget.RecordFailure();
        }

        var result = await pipeline.GetHelloHedgedAsync();

        Assert.Equal(HelloFailure.RetryBudgetExhausted, result.Failure);
        Assert.Equal(1, pipeline.Hello.Attempts); // the first attempt ran into its 2 s timeout alone
        // Polly asks again after every further delay (40 times before the 2 s timeout): the refusal is said once.
        Assert.Single(pipeline.Logs.GetSnapshot(), r => r.Id.Id == 3301);
    }

    [Fact]
    public async Task GetHelloHedged_EachHedge_TakesAToken()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());
        var budget = pipeline.Services.GetRequiredService<RetryBudget>();
        budget.RecordFailure(); // below full, so the good answer's tokens show
        var before = budget.Snapshot().Tokens;

        await HedgeAfterAsync(pipeline, Ms50);

        // −1 for the hedge, +TokenRatio (2) for its good answer; the cut first attempt counts nothing.
        Assert.Equal(before - 1 + 2, budget.Snapshot().Tokens);
    }

    [Fact]
    public async Task GetHelloHedged_AfterManyAnswers_WaitsTheirPercentileBeforeHedging()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());
        var delay = pipeline.Services.GetRequiredService<HedgingDelay>();
        for (var i = 0; i < HedgingDefaults.DelayRecomputeEvery; i++)
        {
            delay.Observe(TimeSpan.FromMilliseconds(120));
        }

        var result = await HedgeAfterAsync(pipeline, TimeSpan.FromMilliseconds(120));

        Assert.Equal(TimeSpan.FromMilliseconds(120), result.Report.Attempts[1].StartedAt - result.Report.Attempts[0].StartedAt);
    }

    [Fact]
    public async Task GetHelloHedged_CallerLeftWhileTheFirstAttemptRuns_SendsNoHedge()
    {
        await using var pipeline = new HelloPipeline(SlowFirst());
        using var caller = new CancellationTokenSource();

        // The clock is moved by hand: past the hedging delay only once the caller has left.
        var call = pipeline.CreateClient().GetHelloHedgedAsync(FaultValues.None, caller.Token);
        await pipeline.Hello.WaitForAttemptAsync(1);
        await caller.CancelAsync();
        for (var step = 0; step < 30 && !call.IsCompleted; step++)
        {
            pipeline.Time.Advance(TimeSpan.FromMilliseconds(100)); // the hedging delay, then the attempt's 2 s timeout
            await Task.Yield();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Equal(1, pipeline.Hello.Attempts);
    }

    [Fact]
    public async Task GetHelloHedged_BreakerOpen_TakesNoTokenAndSaysNoRefusal()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));
        var budget = pipeline.Services.GetRequiredService<RetryBudget>();
        HelloCallResult<HelloReply> result;
        do
        {
            result = await GetHedgedAtOnceAsync(pipeline);
        }
        while (result.Failure != HelloFailure.CircuitOpen);
        var before = budget.Snapshot().Tokens;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HelloFailure.CircuitOpen, (await GetHedgedAtOnceAsync(pipeline)).Failure);
        }

        Assert.Equal(before, budget.Snapshot().Tokens);
        Assert.DoesNotContain(pipeline.Logs.GetSnapshot(), r => r.Id.Id == 3301);
    }

    [Fact]
    public async Task Pipeline_RetryPipelineConfigured_HedgingTakesItsTimeouts()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.OK), settings: new()
        {
            ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.800",
            ["HelloClient:Resilience:TotalRequestTimeout:Timeout"] = "00:00:09",
            ["HelloClient:Hedging:MaxDelay"] = "00:00:00.500",
        });
        await pipeline.StartAsync();
        var options = pipeline.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.Extensions.Http.Resilience.HttpStandardHedgingResilienceOptions>>()
            .Get(HelloHedgingExtensions.ClientName);

        Assert.Equal(TimeSpan.FromMilliseconds(800), options.Endpoint.Timeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(9), options.TotalRequestTimeout.Timeout);
    }

    [Fact]
    public async Task GetHelloHedged_DelayLongerThanHalfTheConfiguredAttemptTimeout_HedgesAtHalfOfIt()
    {
        await using var pipeline = new HelloPipeline(SlowFirst(), settings: new()
        {
            ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.200",
            ["HelloClient:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:01",
            ["HelloClient:Hedging:AdaptiveDelay"] = "false",
            ["HelloClient:Hedging:Delay"] = "00:00:00.150",
        });

        var result = await HedgeAfterAsync(pipeline, TimeSpan.FromMilliseconds(100));

        Assert.Equal((true, true), (result.Report.Attempts[1].Hedge, result.Report.Attempts[1].Answered));
        Assert.Equal(TimeSpan.FromMilliseconds(100), result.Report.Attempts[1].StartedAt);
    }

    [Fact]
    public async Task CreateGreeting_FirstAttemptSlow_IsNeverHedged()
    {
        // A write goes through the retry pipeline: the slow attempt is cut by its timeout before another starts.
        await using var pipeline = new HelloPipeline(new((hello, attempt, ct) => attempt == 1
            ? hello.HangAsync(ct)
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created)
            {
                Content = new StringContent("""{"id":"0123456789abcdef0123456789abcdef","name":"Ada","message":"Hello, Ada!"}""", System.Text.Encoding.UTF8, "application/json"),
            })));

        var result = await pipeline.RunAsync(client => client.CreateGreetingAsync("Ada", "key-0001", FaultValues.None, default));

        Assert.NotNull(result.Reply);
        var (first, second) = (result.Report.Attempts[0], result.Report.Attempts[1]);
        Assert.False(second.Hedge);
        Assert.Equal("timeout", first.Error);
        Assert.True(second.StartedAt >= first.StartedAt + first.Duration, "the second attempt started only after the first had ended");
    }
}
