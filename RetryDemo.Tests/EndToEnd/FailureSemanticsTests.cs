using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.EndToEnd;

[Trait("Category", "Component")]
public class FailureSemanticsTests
{
    [Theory]
    [InlineData(503, HttpStatusCode.ServiceUnavailable)]
    [InlineData(429, HttpStatusCode.TooManyRequests)]
    public async Task GetHello_RetryAfterBeyondBudget_AnswersAtOnceWithRetryAfter(int helloStatus, HttpStatusCode expected)
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        var stopwatch = Stopwatch.StartNew();
        using var response = await http.GetAsync($"/hello?failFirst=1&failStatus={helloStatus}&retryAfter=60", TestContext.Current.CancellationToken);
        var elapsed = stopwatch.Elapsed;

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}; the 15 s budget must not be slept out");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("RetryAfterBeyondBudget", problem.GetProperty("reason").GetString());
        Assert.Equal(1, problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task GetHello_RetryBudgetSpent_AnswersAtOnceWithTheLastFailure()
    {
        // A bucket of 6: three failures leave 3, not more than half, so the first call stops after its
        // third attempt and the next after its first.
        await using var system = new RetryDemoSystem(clientSettings: new Dictionary<string, string?>
        {
            ["HelloClient:RetryBudget:MaxTokens"] = "6",
        });
        using var http = system.Client.CreatePlainClient();

        using var spending = await http.GetAsync("/hello?failFirst=3&failStatus=500", TestContext.Current.CancellationToken);
        using var refused = await http.GetAsync("/hello?failFirst=1&failStatus=502", TestContext.Current.CancellationToken);

        var spent = await spending.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, spent.GetProperty("report").GetProperty("attempts").GetArrayLength());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("RetryBudgetExhausted", problem.GetProperty("reason").GetString());
        Assert.Contains("last: 502", problem.GetProperty("detail").GetString());
        Assert.Equal(1, problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }
}
