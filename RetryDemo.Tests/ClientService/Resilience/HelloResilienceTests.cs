using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>What the tuned pipeline retries, how long it waits and when it gives up — on virtual time.</summary>
[Trait("Category", "Unit")]
public class HelloResilienceTests
{
    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task GetHello_NonTransientStatus_IsNotRetried(HttpStatusCode status)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(status, HttpStatusCode.OK));

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(1, pipeline.Hello.Attempts);
        Assert.Equal(HelloFailure.Rejected, result.Failure);
        Assert.Equal((int)status, result.LastStatusCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task GetHello_TransientStatusThenOk_IsRetriedAndSucceeds(HttpStatusCode status)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(status, HttpStatusCode.OK));

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(2, pipeline.Hello.Attempts);
        Assert.NotNull(result.Reply);
        Assert.Equal([(int)status, 200], result.Report.Attempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task GetHello_RetriedCall_SendsTheSameLoggedRequestOnEveryAttempt()
    {
        // AttemptRecordingHandler finds the call's log by the request's type: a pipeline that cloned the
        // request per attempt (as hedging does) would leave retries unrecorded.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK));
        var sent = new List<HttpRequestMessage>();
        pipeline.Hello.AttemptStarted += sent.Add;

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(3, sent.Count);
        var first = Assert.IsType<AttemptLoggedRequest>(sent[0]);
        Assert.All(sent, request => Assert.Same(first, request));
        Assert.Equal(3, first.Log.Attempts.Count);
        Assert.NotNull(result.Reply);
    }

    [Fact]
    public async Task GetHello_429WithRetryAfterOneSecond_WaitsExactlyThatLong()
    {
        var hello = new ScriptedHandler((attempt, _) => Task.FromResult(attempt == 1
            ? ScriptedHandler.Respond(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(1))
            : ScriptedHandler.Respond(HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);

        var call = pipeline.CreateClient().GetHelloAsync(FaultValues.None, TestContext.Current.CancellationToken);
        await hello.WaitForAttemptAsync(1);
        var wait = await pipeline.Time.NextDelayAsync(due => due == TimeSpan.FromSeconds(1));
        pipeline.Time.Advance(wait - TimeSpan.FromTicks(1));
        Assert.Equal(1, hello.Attempts);
        pipeline.Time.Advance(TimeSpan.FromTicks(1));
        var result = await call;

        Assert.NotNull(result.Reply);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Report.Attempts[1].DelayBefore);
    }

    [Fact]
    public async Task GetHello_HungAttempt_IsCutByAttemptTimeoutAndRetried()
    {
        var hello = new ScriptedHandler((self, attempt, ct) =>
            attempt == 1 ? self.HangAsync(ct) : Task.FromResult(ScriptedHandler.Respond(HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);

        var result = await pipeline.GetHelloAsync();

        Assert.NotNull(result.Reply);
        Assert.Equal(2, hello.Attempts);
        var hung = result.Report.Attempts[0];
        Assert.Equal("timeout", hung.Error);
        Assert.Equal(TimeSpan.FromSeconds(2), hung.Duration);
        Assert.Equal(200, result.Report.Attempts[1].StatusCode);
    }

    [Fact]
    public async Task GetHello_EveryAttemptHangs_TotalTimeoutEndsTheCall()
    {
        var hello = new ScriptedHandler((self, _, ct) => self.HangAsync(ct));
        // Attempts of 5 s cannot all fit in 15 s: the total timeout, not the retry count, must end it.
        await using var pipeline = new HelloPipeline(hello, options =>
        {
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10); // the handler's rule: ≥ 2 × attempt timeout
        });

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(HelloFailure.TimedOut, result.Failure);
        Assert.InRange(result.Report.TotalElapsed, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15) + HelloPipeline.DefaultStep);
        Assert.Equal(3, hello.Attempts);
    }

    [Fact]
    public async Task GetHello_EveryAttemptHangsAndTheAttemptsRunOutFirst_IsExhaustedNotTimedOut()
    {
        // Five attempts of 2 s and their backoff end before the 15 s total timeout: the attempts ran out.
        var hello = new ScriptedHandler((self, _, ct) => self.HangAsync(ct));
        await using var pipeline = new HelloPipeline(hello);

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(HelloFailure.Exhausted, result.Failure);
        Assert.Equal(5, hello.Attempts);
        Assert.True(result.Report.TotalElapsed < TimeSpan.FromSeconds(15), $"{result.Report.TotalElapsed}");
    }

    [Fact]
    public async Task GetHello_AlwaysFailing_MakesExactlyMaxRetryAttemptsPlusOneAttempts()
    {
        // ServiceDefaults puts a standard handler on every client; nested pipelines would multiply attempts (4 × 5 = 20).
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(HelloFailure.Exhausted, result.Failure);
        Assert.Equal(5, pipeline.Hello.Attempts);
        Assert.Equal([1, 2, 3, 4, 5], result.Report.Attempts.Select(a => a.Number));
    }

    [Fact]
    public async Task GetHello_TwoHelloEndpoints_TheRetryResolvesTheOtherOne()
    {
        // Discovery inside the pipeline: each attempt picks an endpoint (round robin), so a retry can
        // leave an endpoint that just failed. Outside it, both attempts would go to the same address.
        var hosts = new List<string>();
        var hello = ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        hello.AttemptStarted += request => hosts.Add(request.RequestUri!.Host);
        await using var pipeline = new HelloPipeline(hello, settings: new() { ["services:hello:http:1"] = "http://hello-b.test:8080" });

        var result = await pipeline.GetHelloAsync();

        Assert.NotNull(result.Reply);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(["hello-b.test", "hello.test"], hosts.Order());
    }

    [Fact]
    public async Task HelloClientHandlerChain_HasExactlyOneResilienceHandler()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.OK));
        var factory = pipeline.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? handler = factory.CreateHandler(nameof(HelloClient)); handler is not null; handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(handler);
        }

        Assert.Single(chain, h => h is ResilienceHandler);
        // Attempts are recorded inside the pipeline, so each attempt is seen.
        Assert.True(chain.FindIndex(h => h is ResilienceHandler) < chain.FindIndex(h => h is RetryDemo.ClientService.Resilience.AttemptRecordingHandler));
    }
}
