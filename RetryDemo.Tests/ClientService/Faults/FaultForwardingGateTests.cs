using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Faults;

/// <summary>ClientService outside Development, in front of a stand-in that records what reaches "HelloService".</summary>
[Trait("Category", "Component")]
public class FaultForwardingGateTests
{
    private const string Key = "the-fault-control-key-0123456789";

    private static ServiceHost<HelloClient> StartClient(HelloStandIn hello, string environment = "Production", bool allowCallersWithoutKey = false) =>
        new(new Dictionary<string, string?>
        {
            ["services:hello:http:0"] = hello.Address.ToString(),
            ["HelloClient:FaultControlKey"] = Key,
            ["FaultForwarding:AllowCallersWithoutKey"] = allowCallersWithoutKey ? "true" : "false",
        }, environment: environment);

    public static TheoryData<string, string, string[]> FaultQueries => new()
    {
        { "GET", "/hello?failFirst=2&failStatus=500", ["failFirst", "failStatus"] },
        { "GET", "/hello?latencyMs=30000", ["latencyMs"] },
        { "GET", "/hello?failureRate=0,1", ["failureRate"] },     // refused before its value is even read
        { "GET", "/hello?FAILFIRST=1", ["failFirst"] },           // query names are case-insensitive
        { "GET", "/hello?hang=true&commitFailRate=1", ["hang", "commitFailRate"] },
        { "POST", "/greetings?commitFailRate=1", ["commitFailRate"] },
    };

    [Theory]
    [MemberData(nameof(FaultQueries))]
    public async Task FaultQuery_WithoutKey_Answers403NamingTheParametersAndSendsNothing(string method, string path, string[] named)
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = StartClient(hello);
        using var http = client.CreatePlainClient();

        using var response = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(named, problem.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        Assert.Empty(hello.Requests);
    }

    [Theory]
    [InlineData("wrong")]                                  // shorter
    [InlineData("the-fault-control-key")]                  // a prefix
    [InlineData(Key + "0")]                                // longer
    [InlineData("THE-FAULT-CONTROL-KEY-0123456789")]       // same length, other bytes
    public async Task FaultQuery_WithWrongKey_Answers403(string presented)
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = StartClient(hello);
        using var http = client.CreatePlainClient();

        var request = Request("GET", "/hello?failFirst=1");
        request.Headers.Add(WireHeaders.FaultControlKey, presented);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(hello.Requests);
    }

    [Fact]
    public async Task FaultQuery_WithKey_IsForwardedWithTheKey()
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = StartClient(hello);
        using var http = client.CreatePlainClient();

        var request = Request("GET", "/hello?failFirst=0&failureRate=0.25");
        request.Headers.Add(WireHeaders.FaultControlKey, Key);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(hello.Requests);
        Assert.Equal(Key, sent[WireHeaders.FaultControlKey].ToString());
        Assert.Equal("0.25", sent[FaultSettings.FailureRate.Header].ToString());
    }

    [Fact]
    public async Task PlainCall_CarriesNoKey()
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = StartClient(hello, environment: "Development");
        using var http = client.CreatePlainClient();

        using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(hello.Requests);
        Assert.False(sent.ContainsKey(WireHeaders.FaultControlKey));
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Production", true)]
    public async Task FaultQuery_WithoutKey_IsForwardedInDevelopmentOrWhenOptedIn(string environment, bool allowCallersWithoutKey)
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = StartClient(hello, environment, allowCallersWithoutKey);
        using var http = client.CreatePlainClient();

        using var response = await http.GetAsync("/hello?failFirst=0", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", Assert.Single(hello.Requests)[FaultSettings.FailFirst.Header].ToString());
    }

    [Fact]
    public async Task SeedScenario_InProductionWithKey_Reads500500200()
    {
        await using var system = new RetryDemoSystem(
            helloSettings: new Dictionary<string, string?> { ["FaultControl:Enabled"] = "true", ["FaultControl:Key"] = Key },
            clientSettings: new Dictionary<string, string?> { ["HelloClient:FaultControlKey"] = Key },
            environment: "Production");
        using var http = system.Client.CreatePlainClient();

        var request = Request("GET", "/hello?failFirst=2&failStatus=500");
        request.Headers.Add(WireHeaders.FaultControlKey, Key);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("report");
        Assert.Equal([500, 500, 200], report.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
    }

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? JsonContent.Create(new { name = "Ada" }) : null,
    };
}
