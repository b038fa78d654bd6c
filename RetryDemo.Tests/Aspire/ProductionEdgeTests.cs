using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The AppHost with both services in Production, as azd deploys them: ClientService forwards a caller's
/// fault parameters only with the fault-control key, and HelloService's fault controls need it. What a
/// stranger gets, and that the dashboard's own button (which sends the key) still shows the seed scenario.
/// </summary>
[Trait("Category", "App")]
public sealed class ProductionEdgeTests : IAsyncLifetime
{
    private RetryDemoApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await RetryDemoApp.StartAsync(configure: appHost =>
        {
            // After the launch profile's Development, so this value is the one the processes get.
            foreach (var service in new[] { "hello", "client" })
            {
                appHost.CreateResourceBuilder(appHost.Resources.OfType<ProjectResource>().Single(r => r.Name == service))
                    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production");
            }
        });

        // Once through the fault path before any test: a cold first attempt can outlast the 2 s attempt
        // timeout on a busy machine, which would turn 500, 500, 200 into 500, timeout, 200.
        await _app.App.ResourceCommands.ExecuteCommandAsync("client", "call-hello", TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CallHelloCommand_InProduction_SendsTheKeyAndShowsTheSeedScenario()
    {
        var result = await _app.App.ResourceCommands.ExecuteCommandAsync("client", "call-hello", TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Message);
        using var body = JsonDocument.Parse(result.Data!.Value);
        Assert.Equal(["500", "500", "200"], AppHostTests.AttemptStatuses(body.RootElement.GetProperty("report")));
    }

    [Fact]
    public async Task FaultQueryWithoutTheKey_InProduction_Answers403NamingTheParameters()
    {
        using var client = _app.CreateHttpClient("client");

        using var refused = await client.GetAsync("/hello?failFirst=2&failStatus=500", TestContext.Current.CancellationToken);
        using var plain = await client.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(["failFirst", "failStatus"], problem.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()).Order());
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var hello = await plain.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(["200"], AppHostTests.AttemptStatuses(hello.GetProperty("report")));
        Assert.Matches("^replica-[0-9a-f]{12}$", hello.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task FaultControlsWithoutTheKey_InProduction_AreRefused()
    {
        using var hello = _app.CreateHttpClient("hello");

        using var refused = await hello.PostAsync("/faults/outage/on", null, TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Fault-Rate", "1");
        using var keylessFault = await hello.SendAsync(request, TestContext.Current.CancellationToken);
        using var after = await hello.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, keylessFault.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task FaultControlsWithAWrongKey_InProduction_AreForbiddenAndChangeNothing()
    {
        const string wrongKey = "not-the-fault-control-key-0123456789";
        using var hello = _app.CreateHttpClient("hello");
        using var client = _app.CreateHttpClient("client");

        using var outage = new HttpRequestMessage(HttpMethod.Post, "/faults/outage/on");
        outage.Headers.Add("X-Fault-Control-Key", wrongKey);
        using var refusedControl = await hello.SendAsync(outage, TestContext.Current.CancellationToken);
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/hello?failFirst=2&failStatus=500");
        forwarded.Headers.Add("X-Fault-Control-Key", wrongKey);
        using var refusedQuery = await client.SendAsync(forwarded, TestContext.Current.CancellationToken);
        using var after = await client.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, refusedControl.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedQuery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode); // no outage was switched on
        var answer = await after.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(["200"], AppHostTests.AttemptStatuses(answer.GetProperty("report")));
    }
}
