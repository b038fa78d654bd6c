using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// Every dashboard button, run by name through Aspire's own command service (what the dashboard calls),
/// with its effect on HelloService checked over HTTP.
/// </summary>
[Collection(DefaultAppCollection.Name)]
[Trait("Category", "App")]
/// <remarks>
/// Only <see cref="CallHello_OnClient_ShowsTheSeedScenariosAttemptReport"/> and
/// <see cref="CallHelloHedged_OnClient_ShowsTheSlowFirstAttemptLosingToAHedge"/> call through ClientService and need it fresh; the others call HelloService directly or read the app model.
/// </remarks>
public sealed class DashboardCommandTests
{
    private readonly DefaultApp app;

    public DashboardCommandTests(DefaultApp app) => (this.app = app).Running.AttachToCurrentTest();

    private static readonly string[] BuiltIn =
        [KnownResourceCommands.StartCommand, KnownResourceCommands.StopCommand, KnownResourceCommands.RestartCommand, KnownResourceCommands.RebuildCommand];

    [Fact]
    public void AppHost_DeclaresExactlyTheCommandsTestedHere()
    {
        var declared = new[] { "hello", "client" }
            .SelectMany(name => Assert.Single(app.Running.Instances(name)).Commands.Select(c => $"{name}/{c.Name}"))
            .Where(c => !BuiltIn.Contains(c[(c.IndexOf('/') + 1)..]));

        Assert.Equal(["client/call-hello", "client/call-hello-hedged", "hello/fail-next", "hello/outage-off", "hello/outage-on", "hello/reset", "hello/throttle"], declared.Order());
    }

    [Fact]
    public async Task FailNext_FailsTheNext5RequestsWith503()
    {
        await app.ResetFaultsAsync();

        await RunAsync("hello", "fail-next");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 5), HttpStatusCode.OK], await HelloStatusesAsync(6));
    }

    [Fact]
    public async Task Throttle_Answers429WithRetryAfter1_ThreeTimes()
    {
        await app.ResetFaultsAsync();

        await RunAsync("hello", "throttle");

        using var hello = app.Running.CreateHttpClient("hello");
        using (var throttled = await hello.GetAsync("/hello", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        }

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], await HelloStatusesAsync(3));
    }

    [Fact]
    public async Task OutageOnThenOff_FailsEveryRequestUntilOff()
    {
        await app.ResetFaultsAsync();

        await RunAsync("hello", "outage-on");
        var during = await HelloStatusesAsync(8);
        await RunAsync("hello", "outage-off");

        Assert.All(during, s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
        Assert.Equal([HttpStatusCode.OK], await HelloStatusesAsync(1));
    }

    [Fact]
    public async Task Reset_ClearsFailNextAndOutage()
    {
        await app.ResetFaultsAsync();
        await RunAsync("hello", "fail-next");
        await RunAsync("hello", "outage-on");

        await RunAsync("hello", "reset");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], await HelloStatusesAsync(2));
    }

    [Fact]
    public async Task CallHello_OnClient_ShowsTheSeedScenariosAttemptReport()
    {
        using var body = await CallOnFreshClientAsync("call-hello");

        Assert.Equal(["500", "500", "200"], AppHostTests.AttemptStatuses(body.RootElement.GetProperty("report")));
    }

    [Fact]
    public async Task CallHelloHedged_OnClient_ShowsTheSlowFirstAttemptLosingToAHedge()
    {
        using var body = await CallOnFreshClientAsync("call-hello-hedged");

        var attempts = body.RootElement.GetProperty("report").GetProperty("attempts").EnumerateArray()
            .Select(a => (Hedge: a.GetProperty("hedge").GetBoolean(), Answered: a.GetProperty("answered").GetBoolean(), Error: a.GetProperty("error").GetString()))
            .ToList();
        Assert.Equal([(false, false, "lost"), (true, true, null)], attempts);
        Assert.Equal("Hello, World!", body.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-the-key-0123456789", HttpStatusCode.Forbidden)]
    public async Task FaultControl_WithoutTheRightKey_IsRefusedAndChangesNothing(string? key, HttpStatusCode expected)
    {
        await app.ResetFaultsAsync();
        using var hello = app.Running.CreateHttpClient("hello");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/faults/outage/on");
        if (key is not null)
        {
            request.Headers.Add("X-Fault-Control-Key", key);
        }

        using var response = await hello.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([HttpStatusCode.OK], await HelloStatusesAsync(1));
    }

    private Task<ExecuteCommandResult> RunAsync(string resource, string command) => app.Running.RunCommandAsync(resource, command);

    // A command on ClientService that calls HelloService, from a fresh ClientService and no faults: the answer it shows.
    private async Task<JsonDocument> CallOnFreshClientAsync(string command)
    {
        await app.ResetFaultsAsync();
        await app.Running.RestartClientAsync();

        var result = await RunAsync("client", command);

        Assert.NotNull(result.Data);
        return JsonDocument.Parse(result.Data.Value);
    }

    private async Task<List<HttpStatusCode>> HelloStatusesAsync(int count)
    {
        using var hello = app.Running.CreateHttpClient("hello");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await hello.GetAsync("/hello", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
