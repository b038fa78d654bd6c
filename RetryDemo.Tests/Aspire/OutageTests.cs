using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>A full HelloService outage, switched on from the dashboard command; an app of its own (it opens the breaker).</summary>
public sealed class OutageTests : IAsyncLifetime
{
    private RetryDemoApp _app = null!;

    public async Task InitializeAsync() => _app = await RetryDemoApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Outage_ClientAnswers503Problem_FastOnceTheBreakerIsOpen()
    {
        using var client = _app.CreateHttpClient("client");
        var outage = await _app.App.ResourceCommands.ExecuteCommandAsync("hello", "outage-on");
        Assert.True(outage.Success, outage.Message);

        // The breaker needs 20 sampled attempts within its 10 s window; one caller alone makes 5 per
        // ≈ 3 s of backoff and never gets there, so 8 callers fail together. The retry budget lets
        // them make 8 + 10 attempts; the next couple of calls (no retries left) reach 20.
        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CallAsync(client)));
        var reason = burst.Any(r => r.Reason == "CircuitOpen") ? "CircuitOpen" : null;
        for (var call = 0; call < 5 && reason != "CircuitOpen"; call++)
        {
            (reason, _) = await CallAsync(client);
        }

        var (openReason, elapsed) = await CallAsync(client);

        Assert.Equal("CircuitOpen", reason);
        Assert.Equal("CircuitOpen", openReason);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"an open breaker answers at once, took {elapsed}");
    }

    private static async Task<(string? Reason, TimeSpan Elapsed)> CallAsync(HttpClient client)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/hello");
        var elapsed = stopwatch.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (problem.GetProperty("reason").GetString(), elapsed);
    }
}
