using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using RetryDemo.ClientService.Greetings;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloCalls;

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

    [Fact]
    public async Task CreateGreeting_UnderMixedFaults_CreatesExactlyOneGreetingPerSuccessAndNoneOtherwise()
    {
        await using var system = new RetryDemoSystem(clientSettings: new Dictionary<string, string?>
        {
            ["HelloClient:Resilience:Retry:Delay"] = "00:00:00.001",
            ["HelloClient:Resilience:AttemptTimeout:Timeout"] = "00:00:00.200",
            // Measure retries, not the breaker: under load a run of ten timed-out attempts could open it.
            ["HelloClient:Resilience:CircuitBreaker:MinimumThroughput"] = "1000000",
            ["HelloClient:RetryBudget:Enabled"] = "false", // nor the retry budget
        });
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();
        const string faults = "failureRate=0.1&failStatus=503&commitFailRate=0.12&commitDelayRate=0.12&commitDelayMs=400";

        var outcomes = new ConcurrentDictionary<int, (HttpStatusCode Status, string? Id)>();
        await Parallel.ForAsync(0, LogicalRequests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/greetings?{faults}") { Content = JsonContent.Create(new { name = $"caller {i}" }) };
            request.Headers.Add("Idempotency-Key", $"exactly-once-{i}");
            using var response = await client.SendAsync(request, ct);
            var id = response.StatusCode == HttpStatusCode.Created ? (await response.Content.ReadFromJsonAsync<GreetingResponse>(ct))!.Id : null;
            outcomes[i] = (response.StatusCode, id);
        });

        var created = outcomes.Values.Where(o => o.Status == HttpStatusCode.Created).ToList();
        Assert.All(outcomes.Values, o => Assert.Contains(o.Status, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal(created.Count, created.Select(o => o.Id).Distinct().Count());

        var stored = await hello.GetFromJsonAsync<GreetingCount>("/greetings", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(created.Count, stored!.Count); // greetings created == logical requests that succeeded

        foreach (var (i, outcome) in outcomes)
        {
            using var byKey = await hello.GetAsync($"/greetings/by-key?key=exactly-once-{i}", TestContext.Current.CancellationToken);
            if (outcome.Status == HttpStatusCode.Created)
            {
                Assert.Equal(outcome.Id, (await byKey.Content.ReadFromJsonAsync<GreetingId>(cancellationToken: TestContext.Current.CancellationToken))!.Id);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, byKey.StatusCode); // failed with none
            }
        }

        Assert.True(created.Count > LogicalRequests * 0.99, $"only {created.Count} of {LogicalRequests} succeeded");
    }

    private sealed record GreetingCount(int Count);

    private sealed record GreetingId(string Id);
}
