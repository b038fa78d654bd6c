using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;
using RetryDemo.ClientService.Answers;

namespace RetryDemo.Tests.ClientService.HelloServiceClient;

[Trait("Category", "Unit")]
public class HelloClientTests
{
    [Fact]
    public async Task GetHelloAsync_ConcurrencyLimitFull_IsShedAsRateLimitedWithRetryAfterAndNoErrorLog()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hello = new ScriptedHandler(async (_, _) =>
        {
            await release.Task;
            return ScriptedHandler.Respond(HttpStatusCode.OK);
        });
        await using var pipeline = new HelloPipeline(hello);
        var client = pipeline.CreateClient();

        // The real limit, filled by calls that HelloService holds (the clock doesn't move, so no timeout cuts them).
        var held = Enumerable.Range(0, HelloResilienceDefaults.ConcurrentCalls)
            .Select(_ => Task.Run(() => client.GetHelloAsync(FaultValues.None, CancellationToken.None))).ToList();
        await hello.WaitForAttemptAsync(HelloResilienceDefaults.ConcurrentCalls);

        var shed = await client.GetHelloAsync(FaultValues.None, CancellationToken.None);
        release.SetResult();
        var finished = await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HelloFailure.RateLimited, shed.Failure);
        Assert.Empty(shed.Report.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(1), shed.RetryAfter);
        Assert.Equal(HelloResilienceDefaults.ConcurrentCalls, hello.Attempts);
        Assert.All(finished, call => Assert.Null(call.Failure));
        Assert.DoesNotContain(pipeline.Logs.GetSnapshot(), record => record.Level >= LogLevel.Warning || record.Exception is not null);

        var context = new DefaultHttpContext();
        var problem = HelloProblems.From(shed, AttemptReport.From(shed.Report), context);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("RateLimited", problem.ProblemDetails.Extensions["reason"]);
    }
}
