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
        _invoker = new HttpMessageInvoker(new AttemptRecordingHandler(new RetryBudget(Microsoft.Extensions.Options.Options.Create(new RetryBudgetOptions())), NullLogger<AttemptRecordingHandler>.Instance)
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

    [Theory]
    [InlineData(false, 50)] // the caller left before any answer: the hedge's token comes back
    [InlineData(true, 49)] // another attempt had answered: that answer paid for the hedge already
    public async Task SendAsync_HedgeCutBecauseItsCallerLeft_ReturnsItsTokenUnlessAnotherAnswered(bool firstAnswers, double tokensAfter)
    {
        var budget = new RetryBudget(Microsoft.Extensions.Options.Options.Create(new RetryBudgetOptions { MaxTokens = 50 }));
        using var caller = new CancellationTokenSource();
        var log = new AttemptLog("call-2", new FakeTimeProvider(), caller.Token, hedged: true);
        using var invoker = new HttpMessageInvoker(new AttemptRecordingHandler(budget, NullLogger<AttemptRecordingHandler>.Instance)
        {
            InnerHandler = new CutWhenCallerLeaves(firstAnswers ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable),
        });
        using (var first = new AttemptLoggedRequest(HttpMethod.Get, "http://hello.test/hello", log))
        using (await invoker.SendAsync(first, CancellationToken.None))
        {
        }

        Assert.True(budget.TryTakeForHedge());
        await caller.CancelAsync();
        using var hedge = new AttemptLoggedRequest(HttpMethod.Get, "http://hello.test/hello", log);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(hedge, caller.Token));

        Assert.Equal((true, "cancelled"), (log.Attempts[1].Hedge, log.Attempts[1].Error));
        Assert.Equal(tokensAfter, budget.Snapshot().Tokens);
    }

    private Task<HttpResponseMessage> Send(HttpRequestMessage request) => _invoker.SendAsync(request, CancellationToken.None);

    // The first request is answered with the given status; later ones wait for their cancellation.
    private sealed class CutWhenCallerLeaves(HttpStatusCode first) : HttpMessageHandler
    {
        private int _requests;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                return new HttpResponseMessage(first);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class AnswerHandler(Task<HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer;
    }
}
