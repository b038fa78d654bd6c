using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The store's process crashed (SIGKILL, no goodbye: no final commit of its append-only file) or stalled
/// (SIGSTOP) while callers write through ClientService, with three HelloService replicas: while it is gone
/// HelloService still answers what does not need it; nothing acknowledged is lost,
/// no key names a greeting that is not there, nothing reported failed
/// was written, nothing is written twice, every refusal says when to come back, calls succeed again as soon
/// as it is back, and a key whose write met the stall still ends in 201 within one call.
/// </summary>
[Trait("Category", "App")]
public sealed class StoreCrashTests(StoreCrashApp fixture) : IClassFixture<StoreCrashApp>
{
    private const int Writers = 6;

    private RetryDemoApp App => fixture.Running;

    [Fact]
    public async Task Store_KilledUnderKeyedLoad_NothingAcknowledgedLostNothingReportedFailedWritten_CallsSucceedOnceItIsBack()
    {
        await StoreHealthyAsync("before the test");
        await App.RestartClientAsync();
        var greetingsBefore = await GreetingCountAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        var answers = new ConcurrentQueue<Answer>();
        // Stops new calls only: every call made is answered and counted, so every write sent is accounted for.
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();

        var load = Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() => LoadAsync(i => Write($"crash-{run}-{w}-{i}"), answers, clock, stopLoad.Token), stopLoad.Token))
            .Append(Task.Run(() => LoadAsync(_ => new HttpRequestMessage(HttpMethod.Get, "/hello"), answers, clock, stopLoad.Token), stopLoad.Token)));

        await WaitForAnswersAsync(answers, 60);
        var killedAt = clock.Elapsed;
        await ProcessTree.KillAsync(App.ProcessId(Assert.Single(App.ReplicaIds("store"))));
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), "DCP did not see the killed store end", ct =>
            App.App.ResourceNotifications.WaitForResourceAsync("store", s => s.Snapshot.State?.Text is "Exited" or "Finished", ct));
        // While it is gone, HelloService answers what needs it (a keyed write) with 503 and Retry-After at once,
        // and what does not (a plain GET /hello) with 200.
        var (writeStatus, writeElapsed, writeRetryAfter) = await DirectAsync(() => Write($"crash-{run}-direct"));
        var (plainStatus, _, _) = await DirectAsync(() => new HttpRequestMessage(HttpMethod.Get, "/hello"));
        await App.RunCommandAsync("store", KnownResourceCommands.StartCommand);
        await StoreHealthyAsync("after its start");
        var back = clock.Elapsed;
        await WaitForAnswersAsync(answers, 300, after: back + TimeSpan.FromSeconds(1));
        await stopLoad.CancelAsync();
        await load;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, writeStatus);
        Assert.True(writeElapsed < TimeSpan.FromSeconds(2), $"HelloService took {writeElapsed} to answer a keyed write without its store");
        Assert.NotNull(writeRetryAfter);
        Assert.Equal(HttpStatusCode.OK, plainStatus);

        var all = answers.ToList();
        // Every refusal is one to come back from: 503 problem details with Retry-After.
        Assert.All(all, a => Assert.True(a.Status is 200 or 201 || (a.Status == 503 && a.ProblemJson && a.RetryAfter),
            $"{a.Method} answered {a.Status} ({a.ContentType}, reason {a.Reason}, Retry-After {a.RetryAfter}) at {a.StartedAt}"));
        var recovered = all.Where(a => a.StartedAt > back + TimeSpan.FromSeconds(1)).ToList();
        var succeeded = recovered.Count(a => a.Status is 200 or 201);
        Assert.True(succeeded >= recovered.Count * 0.99, $"{succeeded} of {recovered.Count} calls succeeded from 1 s after the store was back");

        using var hello = App.CreateHttpClient("hello");
        var stored = 0;
        var storedIds = new List<string>();
        foreach (var write in all.Where(a => a.Key is not null))
        {
            var (status, id) = await FindByKeyAsync(hello, write.Key!);
            if (status == HttpStatusCode.OK)
            {
                stored++;
                storedIds.Add(id!);
            }

            if (write.Status == 201)
            {
                // HelloService answers 201 only once the store's append-only file holds the write (StoreCommits).
                Assert.True(status == HttpStatusCode.OK && id == write.Id, $"{write.Key} was answered 201 ({write.Id}) {killedAt - write.AnsweredAt} before the kill, but the store has {(int)status} {id}");
            }
            else if (write.Reason != "OutcomeUnknown")
            {
                // Nothing reported failed was written: only "outcome unknown" may have been.
                Assert.True(status == HttpStatusCode.NotFound, $"{write.Key} was answered {write.Status} ({write.Reason}) but the store holds it: {(int)status} {id}");
            }
        }

        // A key names a greeting that is there: every stored key's greeting answers.
        foreach (var id in storedIds)
        {
            using var greeting = await hello.GetAsync($"/greetings/{id}", TestContext.Current.CancellationToken);
            Assert.True(greeting.StatusCode == HttpStatusCode.OK, $"a stored key names greeting {id}, which answers {(int)greeting.StatusCode}");
        }

        // Nothing written twice: one greeting more per key stored. Garnet 2.2.8's recovery can replay the first
        // writes of a commit cut by the kill without the rest (docs/deployment.md), so a greeting whose key was
        // never recorded may stay, one at most per write in flight at the kill, and a key may be counted without
        // its greeting's index entry: the count may differ from the keys by that many, never more.
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"acknowledged {all.Count(a => a.Status == 201)} writes, all stored; {succeeded} of {recovered.Count} calls succeeded from 1 s after the store was back");
        var count = await GreetingCountAsync();
        Assert.InRange(count - (greetingsBefore + stored), -Writers, Writers);
    }

    [Fact]
    public async Task KeyedWrite_StoreStalledDuringIt_TheSameKeyThroughClientServiceIs201InOneCall()
    {
        await StoreHealthyAsync("before the test");
        await App.RestartClientAsync();
        var run = Guid.NewGuid().ToString("N")[..8];
        using var hello = App.CreateHttpClient("hello");
        using var client = App.CreateHttpClient("client");
        var outcomes = new List<string>();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var key = $"stall-{run}-{attempt}";
            var tree = ProcessTree.Of(App.ProcessId(Assert.Single(App.ReplicaIds("store"))));
            var direct = PostAsync(hello, key);
            // Stalled at a different moment of the write each time: before its script reaches the store, while it runs, while its commit waits.
            await Task.Delay(TimeSpan.FromMilliseconds(attempt * 3), TestContext.Current.CancellationToken);
            await ProcessTree.StopAsync(tree);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1500), TestContext.Current.CancellationToken);
            }
            finally
            {
                await ProcessTree.ContinueAsync(tree);
            }

            var (directStatus, directId, _) = await direct;
            Assert.True(directStatus is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{key}: HelloService answered {(int)directStatus} while its store stalled");

            var stopwatch = Stopwatch.StartNew();
            var (status, id, reason) = await PostAsync(client, key);
            outcomes.Add($"{key}: HelloService {(int)directStatus}, then ClientService {(int)status} {reason} in {stopwatch.Elapsed.TotalSeconds:F1} s");
            Assert.True(status == HttpStatusCode.Created, string.Join("; ", outcomes));
            if (directStatus == HttpStatusCode.Created)
            {
                Assert.Equal(directId, id);
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
        using var hello = App.CreateHttpClient("hello");
        using var request = create();
        var stopwatch = Stopwatch.StartNew();
        using var response = await hello.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, stopwatch.Elapsed, response.Headers.RetryAfter?.Delta);
    }

    private async Task StoreHealthyAsync(string when) =>
        await Limit.WithinAsync(TimeSpan.FromMinutes(1), $"The store was not healthy {when}", ct => App.App.ResourceNotifications.WaitForResourceHealthyAsync("store", ct));

    private async Task<int> GreetingCountAsync()
    {
        using var hello = App.CreateHttpClient("hello");
        return (await hello.GetStateAsync("/greetings")).GetProperty("count").GetInt32();
    }

    private static async Task<(HttpStatusCode Status, string? Id, string? Reason)> PostAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode,
            response.StatusCode == HttpStatusCode.Created ? body.GetProperty("id").GetString() : null,
            body.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }

    /// <summary>What the store holds under <paramref name="key"/>; asked again while a claim holds the key (409: a script the crash cut after its claim) or the store is slow (503).</summary>
    private static async Task<(HttpStatusCode Status, string? Id)> FindByKeyAsync(HttpClient hello, string key) =>
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), $"{key} stayed claimed past its lease", async ct =>
        {
            while (true)
            {
                using var response = await hello.GetAsync($"/greetings/by-key?key={Uri.EscapeDataString(key)}", ct);
                // 409: a claim, until its lease ends; 503: the store did not answer in time (a busy machine).
                if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable))
                {
                    return (response.StatusCode, response.StatusCode == HttpStatusCode.OK
                        ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()
                        : null);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        });

    private async Task LoadAsync(Func<int, HttpRequestMessage> create, ConcurrentQueue<Answer> answers, Stopwatch clock, CancellationToken stop)
    {
        using var client = App.CreateHttpClient("client");
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var request = create(i);
            var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
            var startedAt = clock.Elapsed;
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var body = response.StatusCode is HttpStatusCode.Created || problem ? await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken) : default;
            answers.Enqueue(new Answer(request.Method.Method, startedAt, clock.Elapsed, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, problem,
                response.Headers.RetryAfter is not null, key,
                response.StatusCode == HttpStatusCode.Created ? body.GetProperty("id").GetString() : null,
                problem && body.TryGetProperty("reason", out var reason) ? reason.GetString() : null));
        }
    }

    /// <summary>Waits (bounded, on the answers themselves) until <paramref name="count"/> answers started after <paramref name="after"/>.</summary>
    private static Task WaitForAnswersAsync(ConcurrentQueue<Answer> answers, int count, TimeSpan? after = null) =>
        Limit.WithinAsync(TimeSpan.FromMinutes(1), $"Fewer than {count} calls were answered{(after is null ? "" : $" from {after}")}", async ct =>
        {
            while (answers.Count(a => after is null || a.StartedAt > after) < count)
            {
                await Task.Delay(50, ct);
            }
        });

    private sealed record Answer(string Method, TimeSpan StartedAt, TimeSpan AnsweredAt, int Status, string? ContentType, bool ProblemJson, bool RetryAfter, string? Key, string? Id, string? Reason);
}
