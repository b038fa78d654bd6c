using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The whole app under the real AppHost (Aspire.Hosting.Testing; default build only). The test's own
/// HttpClients carry no resilience handler: they must see exactly what ClientService answers.
/// </summary>
public class AppHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task SeedScenario_ThroughClient_Answers200AfterThreeAttempts()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var app = await StartAsync(cts.Token);
        using var http = app.CreateHttpClient("client", "http");

        using var response = await http.GetAsync("/hello?failFirst=2&failStatus=500", cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cts.Token);
        var statuses = body.GetProperty("report").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32());
        Assert.Equal([500, 500, 200], statuses);
    }

    [Fact]
    public async Task FailNextCommand_MakesHelloFailUntilReset()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var app = await StartAsync(cts.Token);
        using var hello = app.CreateHttpClient("hello", "http");

        var failNext = await app.ResourceCommands.ExecuteCommandAsync("hello", "fail-next", cts.Token);
        using var failed = await hello.GetAsync("/hello", cts.Token);
        var reset = await app.ResourceCommands.ExecuteCommandAsync("hello", "reset", cts.Token);
        using var recovered = await hello.GetAsync("/hello", cts.Token);

        Assert.True(failNext.Success, failNext.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.True(reset.Success, reset.Message);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task Outage_ClientAnswers503Problem_FastOnceTheBreakerIsOpen()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var app = await StartAsync(cts.Token);
        using var client = app.CreateHttpClient("client", "http");

        var outage = await app.ResourceCommands.ExecuteCommandAsync("hello", "outage-on", cts.Token);
        Assert.True(outage.Success, outage.Message);

        // The breaker needs 20 sampled attempts within its 10 s window; one caller alone makes 5 per
        // ≈ 3 s of backoff and never gets there, so 8 callers fail together. The retry budget lets
        // them make 8 + 10 attempts; the next couple of calls (no retries left) reach 20.
        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CallAsync(client, cts.Token)));
        var reason = burst.Any(r => r.Reason == "CircuitOpen") ? "CircuitOpen" : null;
        for (var call = 0; call < 5 && reason != "CircuitOpen"; call++)
        {
            (reason, _) = await CallAsync(client, cts.Token);
        }

        var (openReason, elapsed) = await CallAsync(client, cts.Token);

        Assert.Equal("CircuitOpen", reason);
        Assert.Equal("CircuitOpen", openReason);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"an open breaker answers at once, took {elapsed}");
    }

    private static async Task<(string? Reason, TimeSpan Elapsed)> CallAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/hello", cancellationToken);
        var elapsed = stopwatch.Elapsed;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return (problem.GetProperty("reason").GetString(), elapsed);
    }

    private static async Task<DistributedApplication> StartAsync(CancellationToken cancellationToken)
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RetryDemo_AppHost>(cancellationToken);
        var app = await appHost.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("hello", cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("client", cancellationToken);
        return app;
    }
}
