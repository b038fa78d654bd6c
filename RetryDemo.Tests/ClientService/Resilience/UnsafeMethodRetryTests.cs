using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.Hello;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Resilience;

public class UnsafeMethodRetryTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 5)]
    public async Task Post_RetriedOnlyWithAnIdempotencyKey(bool withKey, int expectedAttempts)
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable));
        var http = pipeline.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HelloClient));

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://hello.test:8080/greetings") { Content = new StringContent("{}") };
        if (withKey)
        {
            request.Headers.Add("Idempotency-Key", "k-1");
        }

        using var response = await pipeline.RunAsync(_ => http.SendAsync(request), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expectedAttempts, pipeline.Hello.Attempts);
    }
}
