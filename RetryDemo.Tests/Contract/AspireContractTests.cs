using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Contract;

/// <summary>
/// The services under the AppHost's environment, as processes: health endpoints, the seed scenario,
/// and every dashboard command's HTTP call doing what its button says.
/// </summary>
public sealed partial class AspireContractTests(AspireContractFixture system) : IClassFixture<AspireContractFixture>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthEndpoints_BothServices_Answer200(string path)
    {
        using var hello = system.Hello.CreateClient();
        using var client = system.Client.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await hello.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task CallHelloCommand_SeedScenario_Answers200AfterThreeAttempts()
    {
        using var client = system.Client.CreateClient();

        // The "call-hello" command: GET /hello?failFirst=2&failStatus=500 on ClientService.
        using var response = await client.GetAsync("/hello?failFirst=2&failStatus=500");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Hello, World!", body.GetProperty("message").GetString());
        Assert.Equal([500, 500, 200], body.GetProperty("report").GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
    }

    [Fact]
    public async Task DashboardCommands_EachDoesWhatItsButtonSays()
    {
        using var hello = system.Hello.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/fail-next/5")).StatusCode);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 5).Append(HttpStatusCode.OK), await Statuses(hello, 6));

        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/throttle/3")).StatusCode);
        using (var throttled = await hello.GetAsync("/hello"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2).Append(HttpStatusCode.OK), await Statuses(hello, 3));

        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/outage/on")).StatusCode);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 3), await Statuses(hello, 3));
        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/outage/off")).StatusCode);
        Assert.Equal([HttpStatusCode.OK], await Statuses(hello, 1));

        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/fail-next/5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/outage/on")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Command(hello, "/faults/reset")).StatusCode);
        Assert.Equal([HttpStatusCode.OK], await Statuses(hello, 1));
    }

    [Fact]
    public async Task DashboardCommands_WithoutTheKey_AreRefused()
    {
        using var hello = system.Hello.CreateClient();

        using var response = await hello.PostAsync("/faults/outage/on", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([HttpStatusCode.OK], await Statuses(hello, 1));
    }

    [Fact]
    public void AppHost_DeclaresExactlyTheCommandsThisContractCovers()
    {
        var appHost = File.ReadAllText(Path.Combine(RepositoryPaths.ProjectDirectory("RetryDemo.AppHost"), "AppHost.cs"));

        var paths = CommandPath().Matches(appHost).Select(m => m.Groups[1].Value).Order();

        Assert.Equal(["/faults/fail-next/5", "/faults/outage/off", "/faults/outage/on", "/faults/reset", "/faults/throttle/3", "/hello"], paths);
    }

    [Fact]
    public async Task Telemetry_ExportsOverOtlpGrpc_WithTheServiceNamesAspireSets()
    {
        using var client = system.Client.CreateClient();
        (await client.GetAsync("/hello")).EnsureSuccessStatusCode();

        var services = await system.Otlp.WaitForAsync(
            otlp => otlp.Spans.Select(s => s.ServiceName).ToHashSet() is var names && names.IsSupersetOf(["hello", "client"]) ? names : null,
            "spans from both services");

        Assert.Superset(new HashSet<string> { "hello", "client" }, services);
        Assert.Contains(system.Otlp.Spans, s => s.ServiceName == "client" && s.Resource.GetValueOrDefault("service.instance.id") == "e5f6a7b8");
    }

    private static Task<HttpResponseMessage> Command(HttpClient hello, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("X-Fault-Control-Key", AspireContractFixture.FaultControlKey);
        return hello.SendAsync(request);
    }

    private static async Task<List<HttpStatusCode>> Statuses(HttpClient hello, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await hello.GetAsync("/hello");
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    [GeneratedRegex("""WithHttpCommand\("([^"]+)"\s*,""")]
    private static partial Regex CommandPath();
}
