using System.Net;
using System.Threading.Channels;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// Stands in for HelloService under the client pipeline: each attempt is answered by a script
/// (attempt number → response), and each attempt is announced so tests can wait for it.
/// </summary>
public sealed class ScriptedHandler(Func<ScriptedHandler, int, CancellationToken, Task<HttpResponseMessage>> script) : HttpMessageHandler
{
    public ScriptedHandler(Func<int, CancellationToken, Task<HttpResponseMessage>> script)
        : this((_, attempt, ct) => script(attempt, ct))
    {
    }

    private readonly Channel<int> _attempts = Channel.CreateUnbounded<int>();
    private int _count;

    public int Attempts => Volatile.Read(ref _count);

    /// <summary>The request the newest attempt carried (scripts that answer by path or method read it).</summary>
    public HttpRequestMessage? LastRequest { get; private set; }

    public static ScriptedHandler Statuses(params HttpStatusCode[] statuses) =>
        new((attempt, _) => Task.FromResult(Respond(statuses[Math.Min(attempt, statuses.Length) - 1])));

    public static HttpResponseMessage Respond(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status)
        {
            Content = status == HttpStatusCode.OK
                ? new StringContent("""{"message":"Hello, World!","instance":"stub","attempt":null}""", System.Text.Encoding.UTF8, "application/json")
                : new StringContent("""{"title":"Injected fault"}""", System.Text.Encoding.UTF8, "application/problem+json"),
        };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    }

    /// <summary>Raised as each attempt reaches the stand-in, with the request as the pipeline sent it.</summary>
    public event Action<HttpRequestMessage>? AttemptStarted;

    /// <summary>Raised when an attempt starts hanging, with a task that ends when the attempt is cancelled.</summary>
    public event Action<Task>? HangStarted;

    /// <summary>
    /// A reply that never comes, until the attempt is cancelled. Unlike Task.Delay, the cancellation
    /// runs the pipeline's continuations inline, so virtual time cannot run ahead of them.
    /// </summary>
    public Task<HttpResponseMessage> HangAsync(CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource<HttpResponseMessage>();
        var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
        never.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        HangStarted?.Invoke(never.Task);
        return never.Task;
    }

    /// <summary>Waits (in real time, bounded) until attempt <paramref name="number"/> has started.</summary>
    public async Task WaitForAttemptAsync(int number)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (await _attempts.Reader.ReadAsync(timeout.Token) < number)
            {
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"Attempt {number} did not start within 30 s of real time ({Attempts} started).");
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _count);
        LastRequest = request;
        AttemptStarted?.Invoke(request);
        _attempts.Writer.TryWrite(attempt);
        var response = await script(this, attempt, cancellationToken);
        response.RequestMessage = request; // as SocketsHttpHandler does
        return response;
    }
}
