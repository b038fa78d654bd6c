using System.Net.Http.Json;
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

    /// <summary>
    /// A test's own read of HelloService's state (a count, a key's greeting), for what it then asserts. A 503
    /// with Retry-After is HelloService saying the store did not answer within its 1 s budget (a busy
    /// machine), so the read comes back after it, as any caller honouring Retry-After would: up to a minute.
    /// </summary>
    public static async Task<System.Text.Json.JsonElement> GetStateAsync(this HttpClient client, Uri uri)
    {
        return await Limit.WithinAsync(RequestLimit, $"GET {uri} kept answering 503", async ct =>
        {
            while (true)
            {
                using var response = await client.GetAsync(uri, ct);
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    response.EnsureSuccessStatusCode();
                    return await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct);
                }

                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
            }
        });
    }

    /// <inheritdoc cref="GetStateAsync(HttpClient, Uri)"/>
    public static Task<System.Text.Json.JsonElement> GetStateAsync(this HttpClient client, string path) =>
        client.GetStateAsync(new Uri(client.BaseAddress!, path));

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
