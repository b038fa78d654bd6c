using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>
/// 1000 logical POSTs through ClientService while HelloService fails about 30 % of attempts in three
/// ways: before the write (503), after the write (503: the reply is lost), and after the write with a
/// reply slower than the attempt timeout. Every logical request must end with exactly one greeting
/// (201) or none (an error); never two.
/// </summary>
[Trait("Category", "Component")]
public class ExactlyOnceTests
{
    private const int LogicalRequests = 1000;

    public static TheoryData<bool> Stores => [false, true];

    /// <summary>HelloService's state in its own process, or in the real store (Garnet on loopback, as the AppHost runs it).</summary>
    private static async Task<(RetryDemoSystem System, StoreServer? Store)> StartAsync(bool realStore, Dictionary<string, string?> clientSettings)
    {
        var store = realStore ? await StoreServer.StartAsync() : null;
        var helloSettings = new Dictionary<string, string?>();
        if (store is not null)
        {
            helloSettings["ConnectionStrings:store"] = store.ConnectionString;
        }

        return (new RetryDemoSystem(helloSettings, clientSettings), store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CreateGreeting_UnderMixedFaults_CreatesExactlyOneGreetingPerSuccessAndNoneOtherwise(bool realStore)
    {
        var (system, store) = await StartAsync(realStore, new Dictionary<string, string?>
        {
            ["HelloClient:Resilience:Retry:Delay"] = "00:00:00.001",
            // Seven attempts: a busy machine that now and then times out a healthy attempt still carries
            // almost every write through (and each extra retry is one more chance to write twice).
            ["HelloClient:Resilience:Retry:MaxRetryAttempts"] = "6",
            ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.200",
            // Measure retries, not the breaker: under load a run of ten timed-out attempts could open it.
            ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000000",
            ["HelloClient:RetryBudget:Enabled"] = "false", // nor the retry budget
        });
        await using var _ = system;
        await using var __ = store;
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();
        const string faults = "failureRate=0.1&failStatus=503&commitFailRate=0.12&commitDelayRate=0.12&commitDelayMs=400";

        // Eight callers on two cores: more only queue, and queueing is what times healthy attempts out.
        var outcomes = new ConcurrentDictionary<int, Outcome>();
        await Parallel.ForAsync(0, LogicalRequests, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/greetings?{faults}") { Content = JsonContent.Create(new { name = $"caller {i}" }) };
            request.Headers.Add("Idempotency-Key", $"exactly-once-{i}");
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var attempts = body.GetProperty("report").GetProperty("attempts").EnumerateArray()
                .Select(a => a.GetProperty("status") is { ValueKind: JsonValueKind.Number } status ? status.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : a.GetProperty("error").GetString()!)
                .ToList();
            outcomes[i] = response.StatusCode == HttpStatusCode.Created
                ? new Outcome(response.StatusCode, body.GetProperty("id").GetString(), null, attempts)
                : new Outcome(response.StatusCode, null, body.GetProperty("reason").GetString(), attempts);
        });

        Assert.All(outcomes.Values, o => Assert.Contains(o.Status, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        var created = outcomes.Values.Where(o => o.Status == HttpStatusCode.Created).ToList();
        Assert.Equal(created.Count, created.Select(o => o.Id).Distinct().Count());

        var storedKeys = 0;
        foreach (var (i, outcome) in outcomes)
        {
            using var byKey = await hello.GetAsync($"/greetings/by-key?key=exactly-once-{i}", TestContext.Current.CancellationToken);
            if (outcome.Status == HttpStatusCode.Created)
            {
                // A success is the greeting HelloService holds for its key.
                var held = byKey.StatusCode == HttpStatusCode.OK ? (await byKey.Content.ReadFromJsonAsync<GreetingId>(TestContext.Current.CancellationToken))!.Id : null;
                Assert.True(held == outcome.Id,
                    $"request {i} answered 201 with greeting {outcome.Id} after attempts [{string.Join(", ", outcome.Attempts)}], but its key holds {held ?? $"nothing ({(int)byKey.StatusCode})"}");
            }
            else if (outcome.Reason != "OutcomeUnknown")
            {
                // A failure ClientService reports as known wrote nothing. ("OutcomeUnknown" — the commit check
                // itself got no answer — may have written one; the count below still allows no second.)
                Assert.True(byKey.StatusCode == HttpStatusCode.NotFound, $"request {i} answered {outcome.Reason} ({string.Join(", ", outcome.Attempts)}) but its key holds a greeting");
            }

            storedKeys += byKey.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        // Never two: every greeting HelloService holds is the one its key names.
        var stored = await hello.GetFromJsonAsync<GreetingCount>("/greetings", TestContext.Current.CancellationToken);
        Assert.True(stored!.Count == storedKeys, $"HelloService holds {stored.Count} greetings for {storedKeys} keys: {stored.Count - storedKeys} written twice");

        // Not vacuous: retries carried most writes through every kind of fault. Load only adds retries
        // (timeouts), so these hold on a busy machine; 7 attempts at ≈ 30 % failures leave ≈ 0.02 % failing.
        Assert.True(created.Count >= LogicalRequests * 0.97, $"only {created.Count} of {LogicalRequests} succeeded: {Failures(outcomes)}");
        var after503 = created.Count(o => o.Attempts.SkipLast(1).Contains("503"));
        var afterTimeout = created.Count(o => o.Attempts.SkipLast(1).Contains("timeout"));
        Assert.True(after503 >= 100, $"only {after503} successes followed a 503 attempt (≈ 200 expected)");
        Assert.True(afterTimeout >= 20, $"only {afterTimeout} successes followed a timed-out attempt (≈ 100 expected)");
        TestContext.Current.TestOutputHelper?.WriteLine($"{created.Count} created, {after503} after a 503, {afterTimeout} after a timeout; failures: {Failures(outcomes)}");
    }

    /// <summary>
    /// Every attempt commits and loses its reply (503), and some attempts are refused first (400): a call can
    /// end on a refusal after an earlier attempt committed. It must never say the write failed while the
    /// greeting exists: 201 with the stored greeting, or "outcome unknown".
    /// </summary>
    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CreateGreeting_CommittedThenRefused_Seeds1To40_NeverReportedFailedWhileStored(bool realStore)
    {
        var (system, store) = await StartAsync(realStore, new Dictionary<string, string?> { ["HelloClient:Resilience:Retry:Delay"] = "00:00:00.001" });
        await using var _ = system;
        await using var __ = store;
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();
        var refusedAfterACommit = 0;
        for (var seed = 1; seed <= 40; seed++)
        {
            var key = $"committed-then-refused-{seed}";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/greetings?commitFailRate=1&failureRate=0.3&failStatus=400&seed={seed}")
            {
                Content = JsonContent.Create(new { name = "Ada" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            var statuses = body.GetProperty("report").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").ToString()).ToList();
            using var byKey = await hello.GetAsync($"/greetings/by-key?key={key}", TestContext.Current.CancellationToken);
            var held = byKey.StatusCode == HttpStatusCode.OK ? (await byKey.Content.ReadFromJsonAsync<GreetingId>(TestContext.Current.CancellationToken))!.Id : null;
            var what = $"seed {seed}: {(int)response.StatusCode} after attempts [{string.Join(", ", statuses)}]; the key holds {held ?? "nothing"}";
            refusedAfterACommit += statuses.Count > 1 && statuses[^1] == "400" ? 1 : 0;

            if (response.StatusCode == HttpStatusCode.Created)
            {
                Assert.True(held == body.GetProperty("id").GetString(), what);
            }
            else
            {
                Assert.True(body.GetProperty("reason").GetString() == "OutcomeUnknown" || held is null, what);
            }
        }

        // Not vacuous: the seeds include calls whose last attempt was a refusal after an earlier attempt committed.
        Assert.True(refusedAfterACommit >= 3, $"only {refusedAfterACommit} of 40 calls ended on a 400 after an earlier attempt");
    }

    private static string Failures(IDictionary<int, Outcome> outcomes) =>
        string.Join("; ", outcomes.Where(o => o.Value.Status != HttpStatusCode.Created).Take(10).Select(o => $"{o.Key}: {o.Value.Reason} [{string.Join(", ", o.Value.Attempts)}]"));

    private sealed record Outcome(HttpStatusCode Status, string? Id, string? Reason, IReadOnlyList<string> Attempts);

    private sealed record GreetingCount(int Count);

    private sealed record GreetingId(string Id);
}
