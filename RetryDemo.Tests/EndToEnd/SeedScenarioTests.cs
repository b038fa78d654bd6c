using System.Net;
using System.Net.Http.Json;
using RetryDemo.ClientService.Hello;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>Both services on real Kestrel at loopback, wired through service discovery as Aspire wires them.</summary>
[Trait("Category", "Component")]
public class SeedScenarioTests
{
    [Fact]
    public async Task GetHello_HelloFailsTwiceWith500_Answers200AfterThreeAttempts()
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync("/hello?failFirst=2&failStatus=500", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<HelloResponse>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(body);
        Assert.Equal("Hello, World!", body.Message);
        Assert.Equal([500, 500, 200], body.Report.Attempts.Select(a => a.Status));
        Assert.Equal([1, 2, 3], body.Report.Attempts.Select(a => a.Number));
        Assert.Equal(0, body.Report.Attempts[0].DelayBeforeMs);
        // Jittered exponential backoff from a 200 ms Delay (Polly's DecorrelatedJitterBackoffV2): its waits
        // telescope, so the first lasts f(r₀) and the first two together f(1 + r₁), f(t) = 2^t·tanh(√(4t)) / 1.4
        // × Delay and the rolls r in [0, 1). Measured waits also hold a moment of pipeline work and a timer
        // that fires late on a busy machine, never early: hence slack above, 2 ms (timer granularity) below.
        var (first, second) = (body.Report.Attempts[1].DelayBeforeMs, body.Report.Attempts[2].DelayBeforeMs);
        Assert.InRange(first, 0, JitterSum(1) + Slack);
        Assert.InRange(first + second, JitterSum(1) - 2, JitterSum(2) + Slack);
        Assert.True(body.Report.TotalElapsedMs >= body.Report.Attempts.Sum(a => a.DurationMs + a.DelayBeforeMs) - 1);
    }

    [Fact]
    public async Task GetHello_NoFaults_AnswersFirstTime()
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        var body = await http.GetFromJsonAsync<HelloResponse>("/hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(body);
        Assert.Equal("Hello, World!", body.Message);
        Assert.False(string.IsNullOrEmpty(body.Instance));
        Assert.Equal([200], body.Report.Attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task GetHello_HelloAlwaysFails_Answers503ProblemWithTheAttempts()
    {
        await using var system = new RetryDemoSystem(clientSettings: FastRetries);
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync("/hello?failFirst=100&failStatus=503&retryAfter=0", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Exhausted", problem.GetProperty("reason").GetString());
        Assert.Equal(5, problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task GetHello_HelloAnswers404_Answers502WithoutRetrying()
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync("/hello?failFirst=1&failStatus=404", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(1, problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }

    /// <summary>
    /// What a busy machine may add to a measured wait (pipeline work, a late timer): generous, since the exact
    /// schedule is pinned on virtual time (BackoffScheduleTests); the two waits here still stay far under the
    /// Flask demo's 1 s + 2 s.
    /// </summary>
    private const double Slack = 1500;

    /// <summary>
    /// The length of the first waits together, in milliseconds, when the last roll puts them at <paramref name="t"/>
    /// (f above): 275 ms at t = 1, 567 ms at t = 2.
    /// </summary>
    private static double JitterSum(double t) =>
        Math.Pow(2, t) * Math.Tanh(Math.Sqrt(4 * t)) / 1.4 * HelloResilienceDefaults.RetryDelay.TotalMilliseconds;

    /// <summary>The shipped pipeline with millisecond backoff, so many calls fit in a test.</summary>
    internal static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["HelloClient:Resilience:Retry:Delay"] = "00:00:00.001",
    };
}
