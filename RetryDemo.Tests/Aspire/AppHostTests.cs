using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>The AppHost's own promises: start order, health and the seed scenario through ClientService.</summary>
[Collection(DefaultAppCollection.Name)]
[Trait("Category", "App")]
public sealed class AppHostTests
{
    private readonly DefaultApp app;

    public AppHostTests(DefaultApp app) => (this.app = app).Running.AttachToCurrentTest();

    [Fact]
    public void Start_ClientWaitsForHello_RunsOnlyOnceHelloIsHealthy()
    {
        // Reads the start's events only: no call, so no ClientService state matters.
        var events = app.Running.Events.ToList();

        var clientWaiting = events.FindIndex(e => e.Resource.Name == "client" && e.Snapshot.State?.Text == KnownResourceStates.Waiting);
        var helloHealthy = events.FindIndex(e => e.Resource.Name == "hello" && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        var clientRunning = events.FindIndex(e => e.Resource.Name == "client" && e.Snapshot.State?.Text == KnownResourceStates.Running);

        Assert.True(clientWaiting >= 0, "client was never Waiting");
        Assert.True(helloHealthy > clientWaiting, $"hello became healthy (event {helloHealthy}) while client waited (from event {clientWaiting})");
        Assert.True(clientRunning > helloHealthy, $"client ran (event {clientRunning}) before hello was healthy (event {helloHealthy})");
    }

    [Theory]
    [InlineData("hello", "/health")]
    [InlineData("hello", "/alive")]
    [InlineData("client", "/health")]
    [InlineData("client", "/alive")]
    public async Task HealthEndpoints_BothServices_Answer200(string resource, string path)
    {
        // Health answers without calling HelloService: ClientService's budget and breaker play no part.
        using var http = app.Running.CreateHttpClient(resource);

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SeedScenario_ThroughClient_Answers200AfterAttempts500_500_200()
    {
        await app.ResetFaultsAsync();
        await app.Running.RestartClientAsync();
        using var client = app.Running.CreateHttpClient("client");

        using var response = await client.GetAsync("/hello?failFirst=2&failStatus=500", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Hello, World!", body.GetProperty("message").GetString());
        Assert.Equal(["500", "500", "200"], AttemptStatuses(body.GetProperty("report")));
    }

    [Fact]
    public void SeedScenarioLink_OnClient_PointsAtTheSeedScenario()
    {
        // The app model only.
        var client = Assert.Single(app.Running.Instances("client"));

        var link = Assert.Single(client.Urls, u => u.DisplayProperties.DisplayName == "Seed scenario (500, 500, 200)");

        var endpoint = app.Running.App.GetEndpoint("client", "http");
        Assert.Equal(new Uri(endpoint, "/hello?failFirst=2&failStatus=500"), new Uri(link.Url));
    }

    /// <summary>Each attempt's status, or why it got none ("timeout", "unreachable"), so a failure shows the attempts as they went.</summary>
    internal static IEnumerable<string> AttemptStatuses(JsonElement report) =>
        report.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status") is { ValueKind: JsonValueKind.Number } status
            ? status.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)
            : a.GetProperty("error").GetString() ?? "no status");
}
