using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.Tests.ClientService.Resilience;

[Trait("Category", "Unit")]
public sealed class AttemptRecordingHandlerTests : IDisposable
{
    private readonly TaskCompletionSource<HttpResponseMessage> _answer = new();
    private readonly HttpMessageInvoker _invoker;

    public AttemptRecordingHandlerTests() =>
        _invoker = new HttpMessageInvoker(new AttemptRecordingHandler(NullLogger<AttemptRecordingHandler>.Instance)
        {
            InnerHandler = new AnswerHandler(_answer.Task),
        });

    public void Dispose() => _invoker.Dispose();

    [Fact]
    public async Task SendAsync_RequestWithoutAttemptLog_ReturnsTheInnerHandlersOwnTask()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://hello.test/hello");

        var sent = Send(request);

        // Not awaited and re-wrapped: no state machine of ours per call on the pipeline's hot path (docs/benchmarks.md).
        Assert.Same(_answer.Task, sent);
        _answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK));
        using var response = await sent;
    }

    [Fact]
    public async Task SendAsync_RequestWithAttemptLog_RecordsTheAttemptWhenItEnds()
    {
        var log = new AttemptLog("call-1", new FakeTimeProvider(), CancellationToken.None);
        using var request = new AttemptLoggedRequest(HttpMethod.Get, "http://hello.test/hello", log);

        var sent = Send(request);
        Assert.NotSame(_answer.Task, sent);
        Assert.Null(Assert.Single(log.Attempts).StatusCode);

        _answer.SetResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        using var response = await sent;

        Assert.Equal(503, Assert.Single(log.Attempts).StatusCode);
    }

    private Task<HttpResponseMessage> Send(HttpRequestMessage request) => _invoker.SendAsync(request, CancellationToken.None);

    private sealed class AnswerHandler(Task<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer;
    }
}
