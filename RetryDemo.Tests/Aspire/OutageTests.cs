using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// A full HelloService outage, switched on from the dashboard command; an app of its own (it opens the
/// breaker), so its ClientService starts fresh.
/// </summary>
[Trait("Category", "App")]
public sealed class OutageTests : IAsyncLifetime
{
    private RetryDemoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await RetryDemoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Outage_ClientAnswers503Problem_FastOnceTheBreakerIsOpen()
    {
        using var client = _app.CreateHttpClient("client");
        await _app.RunCommandAsync("hello", "outage-on");

        // The breaker opens once 10 sampled attempts in its 5 s window have all failed: 8 callers at
        // once make that many before the retry budget stops their retries. Open, it answers at once,
        // and every half second lets one call through as a probe, which fails and opens it again.
        // A call that lands in such a half-open moment gets HelloService's 503 instead; on a loaded
        // machine the next call can take longer than half a second to arrive, so calls go on until one
        // has met the breaker open from its start (or 30 have been made).
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CallAsync(client)));
        // Open, it answers without calling HelloService: no attempt, so no attempt timeout or backoff to wait
        // for. (A call whose first attempt ran before the breaker opened ends CircuitOpen after that attempt.)
        var open = new List<(string? Reason, int Attempts)>();
        for (var call = 0; call < 30 && !open.Any(answer => answer.Attempts == 0); call++)
        {
            if (await CallAsync(client) is { Reason: "CircuitOpen" } answer)
            {
                open.Add(answer);
            }
        }

        Assert.True(open.Any(answer => answer.Attempts == 0),
            $"In 30 calls after the outage began the breaker never answered without calling HelloService; CircuitOpen answers' attempts: [{string.Join(", ", open.Select(a => a.Attempts))}]");
    }

    private static async Task<(string? Reason, int Attempts)> CallAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/hello", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (problem.GetProperty("reason").GetString(), problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }
}
