using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// ClientService finds HelloService only where Aspire says it is: no launch-profile address beside the
/// injected one (ports are randomized here, so a stray fixed address would fail calls, not hide).
/// </summary>
[Collection(DefaultAppCollection.Name)]
[Trait("Category", "App")]
public sealed class ServiceDiscoveryTests
{
    private readonly DefaultApp app;

    public ServiceDiscoveryTests(DefaultApp app) => (this.app = app).Running.AttachToCurrentTest();

    [Fact]
    public void ClientEnvironment_HoldsExactlyHellosOneHttpEndpoint()
    {
        // The app model only.
        var client = Assert.Single(app.Running.Instances("client"));

        var hello = Assert.Single(client.EnvironmentVariables, v => v.Name.StartsWith("services__hello__", StringComparison.OrdinalIgnoreCase));

        Assert.Equal("services__hello__http__0", hello.Name);
        Assert.Equal(app.Running.App.GetEndpoint("hello", "http"), new Uri(hello.Value!));
    }

    [Fact]
    public async Task Calls_ThroughClient_ReachHelloOnTheFirstAttempt()
    {
        await app.ResetFaultsAsync();
        await app.Running.RestartClientAsync();
        var helloInstance = ServiceInstanceId(Assert.Single(app.Running.Instances("hello")));
        using var client = app.Running.CreateHttpClient("client");

        var answers = new List<(string Instance, string[] Statuses)>();
        for (var call = 0; call < 20; call++)
        {
            answers.Add(await CallAsync(client));
        }

        Assert.All(answers, answer => Assert.Equal(helloInstance, answer.Instance));
        // Discovery gave the first attempt HelloService's address: it got HelloService's 200. (On a busy machine
        // an attempt may outlast its 2 s timeout and be retried; an address that is not HelloService's fails
        // every first attempt.)
        var firstTime = answers.Count(answer => answer.Statuses is ["200"]);
        Assert.True(firstTime >= 18, $"only {firstTime} of 20 calls were answered by their first attempt: {string.Join("; ", answers.Select(a => string.Join(",", a.Statuses)))}");
    }

    /// <returns>The instance that answered, and each attempt's status or, without a response, its error.</returns>
    internal static async Task<(string Instance, string[] Statuses)> CallAsync(HttpClient client, string path = "/hello")
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var attempts = body.GetProperty("report").GetProperty("attempts").EnumerateArray()
            .Select(a => a.GetProperty("status") is { ValueKind: JsonValueKind.Number } status ? status.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : a.GetProperty("error").GetString()!);
        return (body.GetProperty("instance").GetString()!, [.. attempts]);
    }

    /// <summary>The replica's OpenTelemetry service.instance.id, which HelloService reports as its instance.</summary>
    internal static string ServiceInstanceId(CustomResourceSnapshot instance)
    {
        var attributes = Assert.Single(instance.EnvironmentVariables, v => v.Name == "OTEL_RESOURCE_ATTRIBUTES").Value!;
        return attributes.Split(',').Select(a => a.Split('=', 2)).Single(kv => kv[0] == "service.instance.id")[1];
    }
}

/// <summary>Three HelloService replicas behind Aspire's proxy.</summary>
[Collection(ThreeReplicaAppCollection.Name)]
[Trait("Category", "App")]
public sealed class ReplicaTests(ThreeReplicaApp app)
{
    private readonly RetryDemoApp _app = app.Running.AttachToCurrentTest();

    [Fact]
    public async Task Calls_ThroughClient_LandOnTheThreeReplicasOnly_AndReachAllThree()
    {
        var instances = _app.Instances("hello");
        var replicas = instances.Select(ServiceDiscoveryTests.ServiceInstanceId).ToHashSet();
        Assert.Equal(3, replicas.Count);
        await app.ResetFaultsAsync();
        await _app.RestartClientAsync();
        using var client = _app.CreateHttpClient("client");

        // The proxy balances connections, not requests: one sequential caller keeps one keep-alive
        // connection (and so one replica); concurrent calls open more. Each call is held 300 ms by HelloService,
        // so 24 at once hold 24 connections, and the chance that none of them met one of the three replicas
        // is 3 × (2/3)^24, about 2 in 10,000. (With 12 quick calls, pooled connections reused round after round
        // once met only two replicas in ten runs.) Bounded rounds, no sleeps.
        var seen = new HashSet<string>();
        for (var round = 0; round < 5 && !seen.SetEquals(replicas); round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => ServiceDiscoveryTests.CallAsync(client, "/hello?latencyMs=300")));
            // Every greeting comes from a replica. (An attempt may still be retried: a fresh replica's first
            // answers can exceed the 2 s attempt timeout on a busy machine; the one-endpoint test above
            // is the one that needs every first attempt to land.)
            Assert.All(answers, a => Assert.Contains(a.Instance, replicas));
            seen.UnionWith(answers.Select(a => a.Instance));
        }

        Assert.Equal(replicas, seen);
    }

    /// <summary>
    /// One call to each replica at its own address, before the calls through the proxy. Aspire's health
    /// check reaches one replica; the others' first answers (JIT, first requests) can exceed the 2 s attempt
    /// timeout while other apps start on the same 2 cores, and a dozen such timeouts at once drain the
    /// retry budget, which then rightly answers 503. Cold starts are not what this test is about.
    /// </summary>
    internal static async Task WarmUpAsync(RetryDemoApp app)
    {
        var addresses = app.ReplicaAddresses("hello");
        Assert.Equal(3, addresses.Count);

        using var http = TestHttp.Create();
        foreach (var address in addresses)
        {
            using var response = await http.GetAsync(new Uri(address, "/hello"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
