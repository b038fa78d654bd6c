using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// Three HelloService replicas under the real AppHost, their state in the one store: they act as one
/// service — attempt counts, operator commands and idempotency keys hold whichever replica an attempt meets.
/// </summary>
[Collection(ThreeReplicaAppCollection.Name)]
[Trait("Category", "App")]
public sealed class ScaleOutTests(ThreeReplicaApp app)
{
    private readonly RetryDemoApp _app = app.Running.AttachToCurrentTest();

    [Fact]
    public async Task SeedScenario_NineCallersAtOnce_EveryCallReads500_500_200()
    {
        await app.ResetFaultsAsync();
        await _app.RestartClientAsync();

        // Nine callers at once: ClientService opens as many connections to HelloService, which the proxy spreads
        // over the replicas, and each retry takes whichever pooled connection is free. (With three, all three
        // connections sometimes met one replica, and no call showed anything.)
        var calls = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => Task.Run(async () =>
        {
            using var client = _app.CreateHttpClient("client");
            var statuses = new List<(string[] Statuses, string[] Instances)>();
            for (var call = 0; call < 4; call++)
            {
                using var response = await client.GetAsync("/hello?failFirst=2&failStatus=500", TestContext.Current.CancellationToken);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
                var attempts = body.GetProperty("report").GetProperty("attempts").EnumerateArray().ToList();
                statuses.Add(([.. AppHostTests.AttemptStatuses(body.GetProperty("report"))], [.. attempts.Select(a => a.GetProperty("instance").GetString() ?? "")]));
            }

            return statuses;
        })));

        var all = calls.SelectMany(c => c).ToList();
        Assert.Equal(36, all.Count);
        Assert.All(all, call => Assert.Equal(["500", "500", "200"], call.Statuses));
        // Some calls' attempts met more than one replica and still read 500, 500, 200: the count of a call's
        // attempts is the store's, not a replica's own.
        var spread = all.Count(call => call.Instances.Distinct().Count() > 1);
        TestContext.Current.TestOutputHelper?.WriteLine($"calls whose attempts met more than one replica: {spread} of {all.Count}");
        Assert.True(spread > 0, "no call's attempts met more than one replica, so nothing here shows the count is shared");
    }

    [Fact]
    public async Task OperatorCommands_SentToOneReplica_ActOnEveryReplica()
    {
        // HelloService's replicas are called directly: ClientService plays no part.
        await app.ResetFaultsAsync();
        var replicas = _app.ReplicaIds("hello");
        var addresses = _app.ReplicaAddresses("hello");
        Assert.Equal(3, replicas.Count);

        await RunAsync(replicas[0], "outage-on");
        var during = await StatusesAsync(addresses, rounds: 2);
        await RunAsync(replicas[1], "outage-off");
        var after = await StatusesAsync(addresses, rounds: 1);
        await RunAsync(replicas[2], "fail-next");
        var failNext = await StatusesAsync(addresses, rounds: 3);

        Assert.All(during, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.All(after, s => Assert.Equal(HttpStatusCode.OK, s));
        // "Fail next 5" is one count for the service: five failures in all, wherever they land.
        Assert.Equal(5, failNext.Count(s => s == HttpStatusCode.ServiceUnavailable));
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 5), .. Enumerable.Repeat(HttpStatusCode.OK, 4)], failNext);
    }

    [Fact]
    public async Task CreateGreeting_120KeysUnderCommitFaults_EachWrittenOnceAndFoundOnEveryReplica()
    {
        await app.ResetFaultsAsync();
        await _app.RestartClientAsync();
        var addresses = _app.ReplicaAddresses("hello");
        using var hello = TestHttp.Create();
        var before = await CountAsync(hello, addresses[0]);
        var run = Guid.NewGuid().ToString("N")[..8];

        var created = new ConcurrentDictionary<string, string>();
        var failures = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, 120, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            using var client = _app.CreateHttpClient("client");
            var key = $"scale-{run}-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings?commitFailRate=0.4") { Content = JsonContent.Create(new { name = $"caller {i}" }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                created[key] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()!;
            }
            else
            {
                failures.Add($"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        });

        Assert.Empty(failures);
        Assert.Equal(120, created.Values.Distinct().Count());
        Assert.Equal(before + 120, await CountAsync(hello, addresses[0]));
        foreach (var address in addresses)
        {
            foreach (var (key, id) in created)
            {
                var stored = await hello.GetStateAsync(new Uri(address, $"/greetings/by-key?key={Uri.EscapeDataString(key)}"));
                Assert.Equal(id, stored.GetProperty("id").GetString());
            }
        }
    }

    private static async Task<int> CountAsync(HttpClient hello, Uri replica) =>
        (await hello.GetStateAsync(new Uri(replica, "/greetings"))).GetProperty("count").GetInt32();

    private Task RunAsync(string replicaId, string command) => _app.RunCommandAsync(replicaId, command);

    /// <summary>GET /hello on each replica in turn, <paramref name="rounds"/> times round.</summary>
    private static async Task<List<HttpStatusCode>> StatusesAsync(IReadOnlyList<Uri> replicas, int rounds)
    {
        using var http = TestHttp.Create();
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var replica in replicas)
            {
                using var response = await http.GetAsync(new Uri(replica, "/hello"), TestContext.Current.CancellationToken);
                statuses.Add(response.StatusCode);
            }
        }

        return statuses;
    }
}
