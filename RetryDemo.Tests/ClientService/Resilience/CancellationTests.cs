using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.Resilience;
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

    /// <summary>
    /// A caller who hangs up while an attempt is in flight: the attempt is not cut (cutting it mid-request would
    /// throw away its pooled connection), it finishes, and no other attempt starts.
    /// </summary>
    [Fact]
    public async Task GetHello_CallerHangsUpDuringAnAttempt_TheAttemptFinishesUncutAndNoOtherStarts()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cutWhileInFlight = false;
        var hello = new ScriptedHandler(async (_, attempt, ct) =>
        {
            await release.Task;
            cutWhileInFlight = ct.IsCancellationRequested;
            return ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable);
        });
        await using var pipeline = new HelloPipeline(hello);
        using var caller = new CancellationTokenSource();

        var call = Task.Run(() => pipeline.CreateClient().GetHelloAsync(FaultValues.None, caller.Token));
        await hello.WaitForAttemptAsync(1);
        await caller.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.False(cutWhileInFlight, "the attempt in flight was cancelled with its caller");
        pipeline.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, hello.Attempts);
        Assert.Equal(0, pipeline.Services.GetRequiredService<HangUpDrains>().Running);
    }

    /// <summary>Past <see cref="HangUpDrains.Capacity"/> attempts left to finish, a hang-up cuts its attempt at once: nothing a stranger can pile up.</summary>
    [Fact]
    public async Task GetHello_CallerHangsUpWhileTheDrainsAreFull_TheAttemptIsCutAtOnce()
    {
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hello = new ScriptedHandler(async (_, attempt, ct) =>
        {
            await using (ct.Register(() => cut.TrySetResult()))
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return ScriptedHandler.Respond(HttpStatusCode.OK);
        });
        await using var pipeline = new HelloPipeline(hello);
        var drains = pipeline.Services.GetRequiredService<HangUpDrains>();
        for (var i = 0; i < HangUpDrains.Capacity; i++)
        {
            Assert.True(drains.TryTake());
        }

        using var caller = new CancellationTokenSource();
        var call = Task.Run(() => pipeline.CreateClient().GetHelloAsync(FaultValues.None, caller.Token));
        await hello.WaitForAttemptAsync(1);
        await caller.CancelAsync();

        await cut.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(HangUpDrains.Capacity, drains.Running);
    }
}
