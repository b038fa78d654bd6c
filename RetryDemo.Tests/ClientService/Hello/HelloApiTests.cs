using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Hello;

[Trait("Category", "Component")]
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
        var helloCalls = new RequestCounter("/hello");
        await using var system = new RetryDemoSystem(configureHello: services => services.AddSingleton<IStartupFilter>(helloCalls));
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync($"/hello?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Equal(0, helloCalls.Count);

        // The counter sees HelloService's calls: a valid request makes one.
        using var valid = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(1, helloCalls.Count);
    }

    [Theory]
    [InlineData("failureRate=0,1", "failureRate")]       // a ',' is never a decimal point (nor a thousands separator)
    [InlineData("failureRate=1,", "failureRate")]
    [InlineData("failFirst=1,000", "failFirst")]
    [InlineData("failFirst=1&failFirst=2", "failFirst")] // given twice
    public async Task GetHello_AmbiguousQuery_Answers400NamingTheFieldNotTheInput(string query, string field)
    {
        await using var system = new RetryDemoSystem();
        using var http = system.Client.CreatePlainClient();

        using var response = await http.GetAsync($"/hello?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        var message = Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString()!;
        Assert.StartsWith(field, message);
        Assert.DoesNotContain("Nullable", problem.ToString());
    }

    /// <summary>
    /// Overload shed through ClientService's own endpoints: with its limit of calls in flight full (here 1, held
    /// by HelloService), the next call is answered at once: 503, reason RateLimited, Retry-After, and HelloService
    /// never sees it.
    /// </summary>
    [Theory]
    [InlineData("GET", "/hello")]
    [InlineData("POST", "/greetings")]
    public async Task Call_ConcurrencyLimitFull_Answers503RateLimitedWithRetryAfterWithoutCallingHello(string method, string path)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hello = await HelloStandIn.StartAsync(async context =>
        {
            await release.Task;
            await HelloStandIn.Hello(context);
        });
        await using var client = new ServiceHost<HelloClient>(new Dictionary<string, string?>
        {
            ["services:hello:http:0"] = hello.Address.ToString(),
            ["HelloClient:Resilience:RateLimiter:DefaultRateLimiterOptions:PermitLimit"] = "1",
        });
        using var http = client.CreatePlainClient();
        var held = http.GetAsync("/hello", TestContext.Current.CancellationToken);
        await Limit.WithinAsync(TimeSpan.FromSeconds(30), "HelloService never got the call that holds the limit", async ct =>
        {
            while (hello.Requests.IsEmpty)
            {
                await Task.Delay(10, ct);
            }
        });

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { name = "Ada" });
        }

        using var shed = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var problem = await shed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        release.SetResult();
        using var answered = await held.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
        Assert.Equal("RateLimited", problem.GetProperty("reason").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Single(hello.Requests);
    }

    [Fact]
    public async Task GetHello_HelloServiceRedirects_IsNotFollowedAndAnswers502()
    {
        await using var elsewhere = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var hello = await HelloStandIn.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = new Uri(elsewhere.Address, context.Request.Path + context.Request.QueryString).ToString();
            return Task.CompletedTask;
        });
        const string key = "the-fault-control-key-0123456789";
        await using var client = new ServiceHost<HelloClient>(new Dictionary<string, string?>
        {
            ["services:hello:http:0"] = hello.Address.ToString(),
            ["HelloClient:FaultControlKey"] = key,
        });
        using var http = client.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello?failFirst=1");
        request.Headers.Add("X-Fault-Control-Key", key);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(hello.Requests);
        Assert.Empty(elsewhere.Requests);
    }
}
