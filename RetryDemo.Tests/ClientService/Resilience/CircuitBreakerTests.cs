using System.Net;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>
/// The tuned breaker on virtual time: it opens only when every one of at least 10 sampled attempts
/// failed (HelloService down), fails fast while open, and a probe half a second later closes it.
/// </summary>
[Trait("Category", "Unit")]
public class CircuitBreakerTests
{
    [Fact]
    public async Task Breaker_AfterTenFailedAttempts_ShortCircuitsThenAProbeHalfASecondLaterClosesIt()
    {
        var healthy = false;
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(Volatile.Read(ref healthy) ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)));
        // Short backoff so the failures land inside one sampling window; the retry budget is off to watch the breaker alone.
        await using var pipeline = new HelloPipeline(hello, options => options.Retry.Delay = TimeSpan.FromMilliseconds(10),
            settings: new() { ["HelloClient:RetryBudget:Enabled"] = "false" });

        for (var call = 0; call < 2; call++)
        {
            await pipeline.GetHelloAsync();
        }

        Assert.Equal(10, hello.Attempts);

        var open = await pipeline.GetHelloAsync();
        Assert.Equal(HelloFailure.CircuitOpen, open.Failure);
        Assert.Equal(10, hello.Attempts); // HelloService saw nothing
        Assert.Equal(TimeSpan.Zero, open.Report.TotalElapsed);
        Assert.InRange(open.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(500));

        Volatile.Write(ref healthy, true);
        pipeline.Time.Advance(TimeSpan.FromMilliseconds(500));

        var probe = await pipeline.GetHelloAsync();
        var after = await pipeline.GetHelloAsync();

        Assert.NotNull(probe.Reply);
        Assert.NotNull(after.Reply);
        Assert.Equal(12, hello.Attempts);
    }

    [Fact]
    public async Task Breaker_NineOfTenAttemptsFailing_StaysClosed()
    {
        // Flaky is not down: one good answer among the sampled attempts keeps the breaker shut.
        var hello = new ScriptedHandler((attempt, _) => Task.FromResult(ScriptedHandler.Respond(attempt % 10 == 0 ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)));
        await using var pipeline = new HelloPipeline(hello, options => options.Retry.Delay = TimeSpan.FromMilliseconds(10),
            settings: new() { ["HelloClient:RetryBudget:Enabled"] = "false" });

        var results = new List<HelloCallResult<HelloReply>>();
        for (var call = 0; call < 6; call++)
        {
            results.Add(await pipeline.GetHelloAsync());
        }

        Assert.DoesNotContain(results, r => r.Failure == HelloFailure.CircuitOpen);
        Assert.Equal(results.Sum(r => r.Report.Attempts.Count), hello.Attempts);
    }
}
