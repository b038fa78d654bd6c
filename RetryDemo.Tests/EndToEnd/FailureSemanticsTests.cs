using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.EndToEnd;

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
        using var response = await http.GetAsync($"/hello?failFirst=1&failStatus={helloStatus}&retryAfter=60");
        var elapsed = stopwatch.Elapsed;

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}; the 15 s budget must not be slept out");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("RetryAfterBeyondBudget", problem.GetProperty("reason").GetString());
        Assert.Equal(1, problem.GetProperty("report").GetProperty("attempts").GetArrayLength());
    }
}
