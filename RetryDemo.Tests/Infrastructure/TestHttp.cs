namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// Plain HTTP clients for tests (no resilience: tests must see exactly what a service answers) whose
/// requests fail after <see cref="RequestLimit"/> with a TimeoutException naming the request, instead of
/// HttpClient's "the configured HttpClient.Timeout elapsed", which names none.
/// </summary>
public static class TestHttp
{
    public static readonly TimeSpan RequestLimit = TimeSpan.FromMinutes(1);

    public static HttpClient Create(Uri? baseAddress = null) => new(new NamingTimeouts())
    {
        BaseAddress = baseAddress,
        // A backstop for reading a body after the headers came: the handler bounds the rest.
        Timeout = RequestLimit + TimeSpan.FromSeconds(30),
    };

    private sealed class NamingTimeouts() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(RequestLimit);
            try
            {
                return await base.SendAsync(request, limit.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{request.Method} {request.RequestUri} got no answer within {Limit.Describe(RequestLimit)}.");
            }
        }
    }
}
