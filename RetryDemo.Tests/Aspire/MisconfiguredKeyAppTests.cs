using System.Net;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using RetryDemo.Contracts;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The AppHost in Production with ClientService given a fault-control key HelloService does not hold, as a
/// slip between two secrets would leave it: a caller with ClientService's key is let through, HelloService
/// refuses what is forwarded, and the caller gets a 502 that says so. An app of its own.
/// </summary>
[Trait("Category", "App")]
public sealed class MisconfiguredKeyAppTests : IAsyncLifetime
{
    private const string ClientKey = "not-hello-services-fault-control-key-01";

    private RetryDemoApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await RetryDemoApp.StartAsync(configure: appHost =>
    {
        // After the AppHost's own values, so these are the ones the processes get.
        foreach (var service in appHost.Resources.OfType<ProjectResource>().Where(r => r.Name is "hello" or "client"))
        {
            var resource = appHost.CreateResourceBuilder(service).WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production");
            if (service.Name == "client")
            {
                resource.WithEnvironment("HelloClient__FaultControlKey", ClientKey);
            }
        }
    });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FaultQuery_ClientServiceHoldsAnotherKey_Answers502RejectedWhilePlainCallsAreServed()
    {
        using var client = _app.CreateHttpClient("client");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello?failFirst=1");
        request.Headers.Add(WireHeaders.FaultControlKey, ClientKey);
        using var refused = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var plain = await client.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Rejected", problem.GetProperty("reason").GetString());
        Assert.Equal(["403"], AppHostTests.AttemptStatuses(problem.GetProperty("report")));
        Assert.DoesNotContain(ClientKey, body);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }
}
