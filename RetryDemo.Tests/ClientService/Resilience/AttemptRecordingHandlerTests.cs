using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.Tests.ClientService.Resilience;

public class AttemptRecordingHandlerTests
{
    [Fact]
    public async Task SendAsync_RequestWithoutAttemptLog_ReturnsTheInnerHandlersOwnTask()
    {
        // Not awaited and re-wrapped: no state machine of ours per call on the pipeline's hot path (docs/benchmarks.md).
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        using var invoker = new HttpMessageInvoker(new AttemptRecordingHandler(NullLogger<AttemptRecordingHandler>.Instance)
        {
            InnerHandler = new AnswerHandler(answer.Task),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://hello.test/hello");

        var sent = invoker.SendAsync(request, CancellationToken.None);

        Assert.Same(answer.Task, sent);
        answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using var response = await sent;
    }

    [Fact]
    public async Task SendAsync_RequestWithAttemptLog_RecordsTheAttemptWhenItEnds()
    {
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        using var invoker = new HttpMessageInvoker(new AttemptRecordingHandler(NullLogger<AttemptRecordingHandler>.Instance)
        {
            InnerHandler = new AnswerHandler(answer.Task),
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://hello.test/hello");
        var log = new AttemptLog(new FakeTimeProvider(), CancellationToken.None);
        request.Options.Set(AttemptLog.Key, log);

        var sent = invoker.SendAsync(request, CancellationToken.None);
        Assert.NotSame(answer.Task, sent);
        Assert.Null(Assert.Single(log.Attempts).StatusCode);

        answer.SetResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        using var response = await sent;

        Assert.Equal(503, Assert.Single(log.Attempts).StatusCode);
    }

    private sealed class AnswerHandler(Task<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer;
    }
}
