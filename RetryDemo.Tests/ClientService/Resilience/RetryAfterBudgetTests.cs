using System.Net;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>A Retry-After the call cannot afford ends it at once, on virtual time, with the wait passed on.</summary>
[Trait("Category", "Unit")]
public class RetryAfterBudgetTests
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, 30)] // beyond the 15 s total budget
    [InlineData(HttpStatusCode.TooManyRequests, 12)]    // inside the budget but above the 10 s cap
    public async Task GetHello_RetryAfterBeyondBudget_EndsAtOnceWithTheWait(HttpStatusCode status, int seconds)
    {
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(status, TimeSpan.FromSeconds(seconds))));
        await using var pipeline = new HelloPipeline(hello);

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(HelloFailure.RetryAfterBeyondBudget, result.Failure);
        Assert.Equal(1, hello.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(seconds), result.RetryAfter);
        Assert.Equal(TimeSpan.Zero, result.Report.TotalElapsed); // not a moment of virtual time was slept
    }

    [Fact]
    public async Task GetHello_RetryAfterWithinBudget_IsWaitedAndRetried()
    {
        var hello = new ScriptedHandler((attempt, _) => Task.FromResult(attempt == 1
            ? ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(3))
            : ScriptedHandler.Respond(HttpStatusCode.OK)));
        await using var pipeline = new HelloPipeline(hello);

        var result = await pipeline.GetHelloAsync();

        Assert.NotNull(result.Reply);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Report.Attempts[1].DelayBefore);
    }

    [Fact]
    public async Task GetHello_RetryAfterLongerThanWhatIsLeft_EndsInsteadOfOverrunningTheTotalTimeout()
    {
        // 4 s waits fit at first; after three of them (12 s) only 3 s are left, so the next one is refused.
        var hello = new ScriptedHandler((_, _) => Task.FromResult(ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(4))));
        await using var pipeline = new HelloPipeline(hello);

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(HelloFailure.RetryAfterBeyondBudget, result.Failure);
        Assert.Equal(4, hello.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(12), result.Report.TotalElapsed); // the fourth wait was not slept
        Assert.Equal(TimeSpan.FromSeconds(4), result.RetryAfter); // it is passed on to the caller instead
    }
}
