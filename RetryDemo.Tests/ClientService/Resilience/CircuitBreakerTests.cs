using System.Net;
using RetryDemo.ClientService.Hello;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>The tuned breaker on virtual time: opens after 20 sampled failures, then fails fast; a probe closes it.</summary>
public class CircuitBreakerTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Breaker_AfterTwentyFailedAttempts_ShortCircuitsThenAProbeClosesIt()
    {
        var healthy = false;
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(Volatile.Read(ref healthy) ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)));
        // Short backoff so the 20 failures land inside one 10 s sampling window; the retry budget
        // (which alone would stop this lone caller's retries after 10) is off to watch the breaker.
        await using var pipeline = new HelloPipeline(hello, options => options.Retry.Delay = TimeSpan.FromMilliseconds(10),
            settings: new() { ["HelloClient:RetryBudget:Enabled"] = "false" });

        for (var call = 0; call < 4; call++)
        {
            await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);
        }

        Assert.Equal(20, hello.Attempts);

        var open = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);
        Assert.Equal(HelloFailure.CircuitOpen, open.Failure);
        Assert.Equal(20, hello.Attempts); // HelloService saw nothing
        Assert.Equal(TimeSpan.Zero, open.Report.TotalElapsed);
        Assert.InRange(open.RetryAfter!.Value, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));

        Volatile.Write(ref healthy, true);
        pipeline.Time.Advance(TimeSpan.FromSeconds(5));

        var probe = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);
        var after = await pipeline.RunAsync(client => client.GetHelloAsync(FaultRequest.None, default), Step, Limit);

        Assert.NotNull(probe.Reply);
        Assert.NotNull(after.Reply);
        Assert.Equal(22, hello.Attempts);
    }
}
