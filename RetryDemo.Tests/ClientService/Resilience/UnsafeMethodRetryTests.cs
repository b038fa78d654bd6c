using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.Hello;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Resilience;

public class UnsafeMethodRetryTests
{
    [Theory]
    [InlineData(false, 1, RetryStop.UnsafeMethod)]
    [InlineData(true, 5, RetryStop.AttemptsExhausted)]
    public async Task Post_RetriedOnlyWithAnIdempotencyKey(bool withKey, int expectedAttempts, RetryStop stop)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));
        var http = pipeline.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HelloClient));

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://hello.test:8080/greetings") { Content = new StringContent("{}") };
        var log = new AttemptLog(pipeline.Time, CancellationToken.None);
        request.Options.Set(AttemptLog.Key, log);
        if (withKey)
        {
            request.Headers.Add("Idempotency-Key", "k-1");
        }

        using var response = await pipeline.RunAsync(_ => http.SendAsync(request));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expectedAttempts, pipeline.Hello.Attempts);
        Assert.Equal(stop, log.Stop); // recorded by RetryDecision when it decided
    }
}
