using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The store stopped and started again from the dashboard's own commands while callers keep calling
/// through ClientService: while it is gone HelloService answers what needs it (a keyed write) with 503
/// problem details at once (never a bare 500, never a hang) and a plain GET /hello with 200, ClientService's
/// retries carry calls through, everything acknowledged before is still there afterwards, and calls succeed
/// again as soon as the store is back. An app of its own (with a fresh ClientService).
/// </summary>
[Trait("Category", "App")]
public sealed class StoreRestartTests : IAsyncLifetime
{
    private RetryDemoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await RetryDemoApp.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Store_StoppedAndStartedUnderLoad_NoBare500_NothingLost_CallsSucceedOnceItIsBack()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var answers = new ConcurrentQueue<Answer>();
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        stopLoad.CancelAfter(TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();

        var load = Task.WhenAll(
            Task.Run(() => LoadAsync(i => new HttpRequestMessage(HttpMethod.Get, "/hello"), answers, clock, stopLoad.Token), stopLoad.Token),
            Task.Run(() => LoadAsync(i => Write($"restart-{run}-{i}"), answers, clock, stopLoad.Token), stopLoad.Token));

        await WaitForAnswersAsync(answers, 20);
        await RunAsync(KnownResourceCommands.StopCommand);
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), "The store did not stop", ct =>
            _app.App.ResourceNotifications.WaitForResourceAsync("store", s => s.Snapshot.State?.Text is "Exited" or "Finished", ct));
        var (writeStatus, writeElapsed, writeRetryAfter) = await DirectAsync(() => Write($"restart-{run}-direct"));
        var (plainStatus, _, _) = await DirectAsync(() => new HttpRequestMessage(HttpMethod.Get, "/hello"));
        await RunAsync(KnownResourceCommands.StartCommand);
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), "The store did not become healthy again after its start", ct =>
            _app.App.ResourceNotifications.WaitForResourceHealthyAsync("store", ct));
        var back = clock.Elapsed;
        await WaitForAnswersAsync(answers, 200, after: back + TimeSpan.FromSeconds(1));
        await stopLoad.CancelAsync();
        await load;

        // While the store was gone, HelloService itself answered a keyed write 503 with Retry-After, within the
        // attempt timeout, and a plain GET /hello 200.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, writeStatus);
        Assert.True(writeElapsed < TimeSpan.FromSeconds(2), $"HelloService took {writeElapsed} to answer without its store");
        Assert.NotNull(writeRetryAfter);
        Assert.Equal(HttpStatusCode.OK, plainStatus);

        var all = answers.ToList();
        Assert.All(all, a => Assert.True(a.Status is 200 or 201 || (a.Status == 503 && a.ProblemJson),
            $"{a.Method} answered {a.Status} ({a.ContentType}) at {a.StartedAt}"));
        var recovered = all.Where(a => a.StartedAt > back + TimeSpan.FromSeconds(1)).ToList();
        var succeeded = recovered.Count(a => a.Status is 200 or 201);
        Assert.True(succeeded >= recovered.Count * 0.99, $"{succeeded} of {recovered.Count} calls succeeded from 1 s after the store was back");

        // Nothing acknowledged is lost: every 201, before, during or after, is in the store.
        using var hello = _app.CreateHttpClient("hello");
        foreach (var created in all.Where(a => a.Status == 201))
        {
            var stored = await hello.GetFromJsonAsync<JsonElement>($"/greetings/by-key?key={Uri.EscapeDataString(created.Key!)}", cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(created.Id, stored.GetProperty("id").GetString());
        }
    }

    private async Task LoadAsync(Func<int, HttpRequestMessage> create, ConcurrentQueue<Answer> answers, Stopwatch clock, CancellationToken stop)
    {
        using var client = _app.CreateHttpClient("client");
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var request = create(i);
            var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
            var startedAt = clock.Elapsed;
            try
            {
                using var response = await client.SendAsync(request, stop);
                var id = response.StatusCode == HttpStatusCode.Created ? (await response.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetString() : null;
                answers.Enqueue(new Answer(request.Method.Method, startedAt, (int)response.StatusCode,
                    response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType == "application/problem+json", key, id));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static HttpRequestMessage Write(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<(HttpStatusCode Status, TimeSpan Elapsed, TimeSpan? RetryAfter)> DirectAsync(Func<HttpRequestMessage> create)
    {
        using var hello = _app.CreateHttpClient("hello");
        using var request = create();
        var stopwatch = Stopwatch.StartNew();
        using var response = await hello.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, stopwatch.Elapsed, response.Headers.RetryAfter?.Delta);
    }

    private Task RunAsync(string command) => _app.RunCommandAsync("store", command);

    /// <summary>Waits (bounded, on the answers themselves) until <paramref name="count"/> answers started after <paramref name="after"/>.</summary>
    private static Task WaitForAnswersAsync(ConcurrentQueue<Answer> answers, int count, TimeSpan? after = null) =>
        Limit.WithinAsync(TimeSpan.FromMinutes(1), $"Fewer than {count} calls were answered{(after is null ? "" : $" from {after}")}", async ct =>
        {
            while (answers.Count(a => after is null || a.StartedAt > after) < count)
            {
                await Task.Delay(50, ct);
            }
        });

    private sealed record Answer(string Method, TimeSpan StartedAt, int Status, string? ContentType, bool ProblemJson, string? Key, string? Id);
}
