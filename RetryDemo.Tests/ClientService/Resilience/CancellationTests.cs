using System.Net;
using RetryDemo.ClientService.Faults;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.ClientService.Resilience;

[Trait("Category", "Unit")]
public class CancellationTests
{
    [Fact]
    public async Task GetHello_CancelledDuringBackoff_StopsAndMakesNoFurtherAttempts()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));
        using var caller = new CancellationTokenSource();

        var call = Task.Run(() => pipeline.CreateClient().GetHelloAsync(FaultValues.None, caller.Token));
        await pipeline.Hello.WaitForAttemptAsync(1);
        await pipeline.Time.NextDelayAsync(due => due > TimeSpan.Zero && due < TimeSpan.FromSeconds(2)); // the backoff wait began
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        pipeline.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, pipeline.Hello.Attempts);
    }
}
