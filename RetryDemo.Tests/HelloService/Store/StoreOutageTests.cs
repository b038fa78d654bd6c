using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>
/// The real store stopped under load: what needs nothing from it (a plain GET /hello, through ClientService
/// or straight at HelloService) keeps answering 200; what needs it (a keyed write) answers 503 with
/// Retry-After; HelloService stays live and ready; the outage is logged once and counted per request.
/// </summary>
[Trait("Category", "Component")]
public sealed class StoreOutageTests
{
    [Fact]
    public async Task Store_StoppedUnderHelloLoad_PlainCallsAnswer200_KeyedWritesAnswer503WithRetryAfter()
    {
        await using var store = await StoreServer.StartAsync();
        await using var system = new RetryDemoSystem(
            helloSettings: new Dictionary<string, string?> { ["ConnectionStrings:store"] = store.ConnectionString },
            configureHello: services => services.AddLogging(logging => logging.AddFakeLogging()));
        using var unread = new MetricCollector<long>(system.Hello.Services.GetRequiredService<IMeterFactory>(), FailOpenFaultState.MeterName, FailOpenFaultState.UnreadCounterName);
        using var hello = system.Hello.CreatePlainClient();
        using var client = system.Client.CreatePlainClient();
        var answers = new ConcurrentQueue<(bool AfterStop, bool ThroughClient, HttpStatusCode Status)>();
        var stopped = false;
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        // Four callers straight at HelloService, two through ClientService, each one call after another.
        var load = Task.WhenAll(Enumerable.Range(0, 6).Select(caller => Task.Run(async () =>
        {
            var http = caller < 4 ? hello : client;
            while (!stopLoad.IsCancellationRequested)
            {
                var afterStop = Volatile.Read(ref stopped);
                try
                {
                    using var response = await http.GetAsync("/hello", stopLoad.Token);
                    answers.Enqueue((afterStop, caller >= 4, response.StatusCode));
                }
                catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
                {
                    return;
                }
            }
        })));

        await WaitForAnswersAsync(answers, 50, afterStop: false);
        await store.StopAsync();
        Volatile.Write(ref stopped, true);
        await WaitForAnswersAsync(answers, 300, afterStop: true);
        using var write = await hello.SendAsync(KeyedWrite(), TestContext.Current.CancellationToken);
        var problem = await write.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        using var health = await hello.GetAsync("/health", TestContext.Current.CancellationToken);
        var healthReport = await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var alive = await hello.GetAsync("/alive", TestContext.Current.CancellationToken);
        await stopLoad.CancelAsync();
        await load;

        var during = answers.Where(a => a.AfterStop).ToList();
        Assert.All(during, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Contains(during, a => a.ThroughClient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Store unavailable", problem.GetProperty("title").GetString());
        Assert.NotNull(write.Headers.RetryAfter?.Delta);
        // Ready (200) and saying why: the store's check reports Degraded, not Unhealthy.
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", healthReport);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.True(unread.GetMeasurementSnapshot().EvaluateAsCounter() > 0, "no request was counted as answered without the fault state");
        var logs = system.Hello.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Single(logs, record => record.Category == typeof(FailOpenFaultState).FullName && record.Level == LogLevel.Warning);
    }

    private static HttpRequestMessage KeyedWrite()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
        request.Headers.Add("Idempotency-Key", "outage-" + Guid.NewGuid().ToString("N"));
        return request;
    }

    /// <summary>Waits (bounded, on the answers themselves) for <paramref name="count"/> answers before or after the stop.</summary>
    private static Task WaitForAnswersAsync(ConcurrentQueue<(bool AfterStop, bool ThroughClient, HttpStatusCode Status)> answers, int count, bool afterStop) =>
        Limit.UntilAsync(TimeSpan.FromMinutes(1), $"Fewer than {count} calls were answered {(afterStop ? "after" : "before")} the store stopped",
            () => answers.Count(a => a.AfterStop == afterStop) >= count);
}
