using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Hello;

public class HelloApiTests
{
    [Theory]
    [InlineData("failFirst=-1")]
    [InlineData("failFirst=101")]
    [InlineData("failFirst=abc")]
    [InlineData("failStatus=418")]
    [InlineData("failStatus=200")]
    [InlineData("failureRate=1.01")]
    [InlineData("failureRate=-1")]
    [InlineData("failureRate=lots")]
    [InlineData("retryAfter=-1")]
    [InlineData("latencyMs=30001")]
    [InlineData("hang=perhaps")]
    public async Task GetHello_InvalidQuery_Answers400ProblemWithoutCallingHello(string query)
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync($"/hello?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        using var healthy = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }
}
