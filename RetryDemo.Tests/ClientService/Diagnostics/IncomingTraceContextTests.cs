using System.Net;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.Tests.ClientService.Diagnostics;

[Trait("Category", "Component")]
public class IncomingTraceContextTests
{
    private const string OutsideTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public async Task Request_WithOutsideTraceContextAndBaggage_StartsItsOwnTraceAndPassesNoBaggage()
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = new ServiceHost<HelloClient>(new Dictionary<string, string?> { ["services:hello:http:0"] = hello.Address.ToString() }, environment: "Production");
        using var http = Untraced(client);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("traceparent", $"00-{OutsideTraceId}-00f067aa0ba902b7-01");
        request.Headers.Add("tracestate", "vendor=outside");
        request.Headers.Add("baggage", "user.role=admin");
        request.Headers.Add("Correlation-Context", "user.role=admin");
        request.Headers.Add("Request-Id", "|outside.1.");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(hello.Requests);
        // The trace goes on inside the app, as ClientService's own.
        var traceparent = sent["traceparent"].ToString();
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceparent);
        Assert.DoesNotContain(OutsideTraceId, traceparent);
        Assert.False(sent.ContainsKey("tracestate"), sent["tracestate"]);
        Assert.False(sent.ContainsKey("baggage"), sent["baggage"]);
        Assert.False(sent.ContainsKey("Correlation-Context"), sent["Correlation-Context"]);
    }

    [Fact]
    public async Task Request_InDevelopment_ContinuesTheCallersTrace()
    {
        await using var hello = await HelloStandIn.StartAsync(HelloStandIn.Hello);
        await using var client = new ServiceHost<HelloClient>(new Dictionary<string, string?> { ["services:hello:http:0"] = hello.Address.ToString() });
        using var http = Untraced(client);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("traceparent", $"00-{OutsideTraceId}-00f067aa0ba902b7-01");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(OutsideTraceId, Assert.Single(hello.Requests)["traceparent"].ToString());
    }

    // This test process traces too (the hosts in it register OpenTelemetry): a plain HttpClient would
    // replace the test's traceparent with its own, and the assertions would prove nothing.
    private static HttpClient Untraced(ServiceHost<HelloClient> client) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = client.Address };
}
