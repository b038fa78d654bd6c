using System.Net;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Replicas;

namespace RetryDemo.Tests.HelloService.Faults;

[Trait("Category", "Component")]
public class FaultControlRefusalTests
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "need the X-Fault-Control-Key header")]
    [InlineData("wrong-key-wrong-key", HttpStatusCode.Forbidden, "header does not match")]
    public async Task ExecuteAsync_RefusedFaultHeader_AnswersTheSameProblemDetailsEveryTime(string? key, HttpStatusCode expected, string detail)
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>
        {
            ["FaultControl:Enabled"] = "true",
            ["FaultControl:Key"] = "the-right-key-0123456789",
        }, environment: "Production");
        using var http = hello.CreatePlainClient();

        var bodies = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Fault-Rate", "1");
            if (key is not null)
            {
                request.Headers.Add("X-Fault-Control-Key", key);
            }

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            bodies.Add(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(bodies[^1].Length, response.Content.Headers.ContentLength);
        }

        Assert.Equal(bodies[0], bodies[1]);
        var problem = JsonSerializer.Deserialize<JsonElement>(bodies[0]);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Equal("Fault control refused", problem.GetProperty("title").GetString());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.StartsWith("https://tools.ietf.org/html/rfc9110#section-15.5.", problem.GetProperty("type").GetString());
    }
}
