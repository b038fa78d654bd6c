using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Contracts;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>
/// ClientService holding a fault-control key HelloService does not accept (an operator's mismatch, in
/// Production): a caller with ClientService's key is let through, HelloService refuses the forwarded fault
/// settings, and the caller is told it was HelloService that refused, without a retry and without the key.
/// </summary>
[Trait("Category", "Component")]
public sealed class MisconfiguredKeyTests
{
    private const string ClientKey = "client-services-fault-control-key-0123";

    [Fact]
    public async Task FaultQuery_ClientServicesKeyIsNotHelloServices_Answers502RejectedAfterOneAttempt()
    {
        await using var system = new RetryDemoSystem(
            helloSettings: new Dictionary<string, string?> { ["FaultControl:Enabled"] = "true", ["FaultControl:Key"] = "hello-services-own-fault-control-key-01" },
            clientSettings: new Dictionary<string, string?> { ["HelloClient:FaultControlKey"] = ClientKey },
            environment: "Production");
        using var http = system.Client.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello?failFirst=1");
        request.Headers.Add(WireHeaders.FaultControlKey, ClientKey);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var plain = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Rejected", problem.GetProperty("reason").GetString());
        Assert.Equal(["403"], problem.GetProperty("report").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").ToString()));
        Assert.DoesNotContain(ClientKey, body);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode); // a call without fault settings carries no key, and is served
    }
}
