using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// A HelloService replica killed (SIGKILL, no goodbye) under a stream of keyed writes through ClientService:
/// the others carry on from the shared store, nothing acknowledged is lost, nothing is written twice,
/// and every key answered before the kill still replays its own greeting. An app of its own (it kills a
/// process), with a fresh ClientService.
/// </summary>
[Trait("Category", "App")]
public sealed class ReplicaKillTests : IAsyncLifetime
{
    private const int Writes = 160;
    private const int KillAfter = 40;

    private RetryDemoApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await RetryDemoApp.StartAsync(args: "Parameters:hello-replicas=3");
        await ReplicaTests.WarmUpAsync(_app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CreateGreeting_ReplicaKilledUnderLoad_NothingLostNothingDoubled()
    {
        // Each replica by the instance id it answers with.
        var replicas = _app.ReplicaIds("hello").ToDictionary(
            id => ServiceDiscoveryTests.ServiceInstanceId(_app.Events.Last(e => e.ResourceId == id && e.Snapshot.EnvironmentVariables.Any(v => v.Name == "OTEL_RESOURCE_ATTRIBUTES")).Snapshot));
        var answeredBefore = new ConcurrentDictionary<string, int>();
        string? victimInstance = null;
        var run = Guid.NewGuid().ToString("N")[..8];
        var outcomes = new ConcurrentDictionary<string, (HttpStatusCode Status, string? Id, bool BeforeKill)>();
        var answered = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            using var client = _app.CreateHttpClient("client");
            for (var i = worker; i < Writes; i += 4)
            {
                var key = $"kill-{run}-{i}";
                var beforeKill = !killed.Task.IsCompleted;
                var (status, id, instances) = await PostAsync(client, key);
                outcomes[key] = (status, id, beforeKill);
                foreach (var instance in beforeKill ? instances : [])
                {
                    answeredBefore.AddOrUpdate(instance, 1, (_, n) => n + 1);
                }

                if (Interlocked.Increment(ref answered) == KillAfter)
                {
                    // The replica that answered the most attempts so far: one the writers are using, so the kill
                    // cuts writes in flight (the proxy spreads connections, not requests, and may leave a replica idle).
                    Assert.False(answeredBefore.IsEmpty, "no report before the kill named the replica that answered an attempt");
                    victimInstance = answeredBefore.MaxBy(a => a.Value).Key;
                    using var process = Process.GetProcessById(_app.ProcessId(replicas[victimInstance]));
                    // The resource runs under `dotnet run`: the whole tree goes, the service with it, as with a crashed container.
                    process.Kill(entireProcessTree: true);
                    killed.SetResult();
                }
            }
        })));
        await Limit.WithinAsync(TimeSpan.FromMinutes(3), $"The {Writes} writes through ClientService did not finish", writers);

        Assert.True(killed.Task.IsCompleted, "the replica was never killed");
        // The kill cut a replica in use: it had answered attempts of these writes before it died.
        Assert.True(answeredBefore.GetValueOrDefault(victimInstance!) > 0, $"the killed replica ({victimInstance}) answered no attempt before the kill");
        Assert.Equal(2, await AliveReplicasAsync(_app));
        using var hello = TestHttp.Create();
        var stored = new Dictionary<string, string>();
        foreach (var key in outcomes.Keys)
        {
            var (found, id) = await FindByKeyAsync(hello, _app, key);
            if (found)
            {
                stored[key] = id!;
            }
        }

        var created = outcomes.Where(o => o.Value.Status == HttpStatusCode.Created).ToList();
        // Nothing lost: every 201 is stored under its key, with the id that was answered.
        Assert.All(created, o => Assert.Equal(o.Value.Id, stored.GetValueOrDefault(o.Key)));
        // Nothing doubled: one greeting per stored key, and no more greetings than keys.
        Assert.Equal(stored.Count, stored.Values.Distinct().Count());
        var count = (await hello.GetStateAsync(new Uri(await LiveReplicaAsync(hello, _app), "/greetings"))).GetProperty("count").GetInt32();
        Assert.Equal(stored.Count, count);
        // The kill is a transient failure: ClientService's retries carry almost every write through it.
        Assert.True(created.Count >= Writes - 4, $"only {created.Count} of {Writes} writes were created: {string.Join(", ", outcomes.Where(o => o.Value.Status != HttpStatusCode.Created).Select(o => $"{o.Key}={(int)o.Value.Status}"))}");

        // Every key answered before the kill replays its own greeting.
        using var replay = _app.CreateHttpClient("client");
        foreach (var (key, outcome) in created.Where(o => o.Value.BeforeKill))
        {
            var (status, id, _) = await PostAsync(replay, key);
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(outcome.Id, id);
        }

    }

    /// <summary>The call's status, the greeting's id when created, and the replicas that answered its attempts (from its report).</summary>
    private static async Task<(HttpStatusCode Status, string? Id, string[] Instances)> PostAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = key }) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        string[] instances = body.TryGetProperty("report", out var report)
            ? [.. report.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("instance").GetString()).OfType<string>()]
            : [];
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Created ? body.GetProperty("id").GetString() : null, instances);
    }

    /// <summary>
    /// Asks a live replica (one of them is dead) whether the key was committed. A keyed write is one script,
    /// so a dead replica leaves its key committed or free; a claim (409) is still waited out to its lease's end.
    /// </summary>
    private static async Task<(bool Found, string? Id)> FindByKeyAsync(HttpClient hello, RetryDemoApp app, string key)
    {
        var deadline = DateTime.UtcNow + StateRetention.Default.ClaimLease + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await hello.GetAsync(new Uri(await LiveReplicaAsync(hello, app), $"/greetings/by-key?key={Uri.EscapeDataString(key)}"), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (false, null);
            }

            // 409: a claim, until its lease ends; 503: the store did not answer in time (a busy machine).
            if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"key {key}: {(int)response.StatusCode} from a live replica, still after the dead one's claim lease ran out");
            return (true, (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetString());
        }
    }

    private static async Task<int> AliveReplicasAsync(RetryDemoApp app)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var alive = 0;
        foreach (var address in app.ReplicaAddresses("hello"))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(address, "/alive"), TestContext.Current.CancellationToken);
                alive += response.IsSuccessStatusCode ? 1 : 0;
            }
            catch (HttpRequestException)
            {
                // The killed replica: nothing listens at its address.
            }
        }

        return alive;
    }

    private static async Task<Uri> LiveReplicaAsync(HttpClient hello, RetryDemoApp app)
    {
        foreach (var address in app.ReplicaAddresses("hello"))
        {
            try
            {
                using var alive = await hello.GetAsync(new Uri(address, "/alive"), TestContext.Current.CancellationToken);
                if (alive.IsSuccessStatusCode)
                {
                    return address;
                }
            }
            catch (HttpRequestException)
            {
                // The killed replica.
            }
        }

        throw new InvalidOperationException("No HelloService replica answers.");
    }
}
