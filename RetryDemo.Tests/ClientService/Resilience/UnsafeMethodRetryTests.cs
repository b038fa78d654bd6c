using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Resilience;

[Trait("Category", "Unit")]
public class UnsafeMethodRetryTests
{
    [Theory]
    [InlineData(false, 1, RetryStop.UnsafeMethod)]
    [InlineData(true, 5, RetryStop.AttemptsExhausted)]
    public async Task Post_RetriedOnlyWithAnIdempotencyKey(bool withKey, int expectedAttempts, RetryStop stop)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));
        var http = pipeline.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HelloClient));

        var log = new AttemptLog("call-1", pipeline.Time, CancellationToken.None);
        using var request = new AttemptLoggedRequest(HttpMethod.Post, "http://hello.test:8080/greetings", log) { Content = new StringContent("{}") };
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
