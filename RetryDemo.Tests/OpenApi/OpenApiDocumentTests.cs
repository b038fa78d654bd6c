using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.Contracts;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.OpenApi;

/// <summary>Each service's /openapi/v1.json (Development) against what it really maps.</summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    private static readonly string[] NotDocumented = ["/health", "/alive", "/openapi/{documentName}.json"];

    private readonly RetryDemoSystem _system = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _system.DisposeAsync().AsTask();

    [Theory]
    [InlineData("hello")]
    [InlineData("client")]
    public async Task Document_ListsEveryMappedEndpoint(string service)
    {
        var (http, services) = service == "hello"
            ? (_system.Hello.CreatePlainClient(), _system.Hello.Services)
            : (_system.Client.CreatePlainClient(), _system.Client.Services);
        using var _ = http;
        var mapped = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !NotDocumented.Contains("/" + e.RoutePattern.RawText?.TrimStart('/')))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}") ?? [])
            .Select(Normalize)
            .ToHashSet();

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .Select(Normalize)
            .ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.Equal(mapped.Order(), documented.Order());
    }

    [Fact]
    public async Task ClientDocument_DescribesTheFaultQueryAndProblemAnswers()
    {
        using var http = _system.Client.CreatePlainClient();
        var hello = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths").GetProperty("/hello").GetProperty("get");

        var query = hello.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString());
        Assert.Superset(new HashSet<string?> { "failFirst", "failStatus", "failureRate", "retryAfter", "latencyMs", "hang" }, query.ToHashSet());
        var responses = hello.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "429", "502", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"GET /hello documents no {status}");
        }

        Assert.True(responses.GetProperty("503").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task HelloDocument_DescribesTheFaultHeaders()
    {
        using var http = _system.Hello.CreatePlainClient();
        var hello = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths").GetProperty("/hello").GetProperty("get");

        var headers = hello.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()).ToHashSet();

        Assert.Superset(new HashSet<string?> { WireHeaders.RequestId, WireHeaders.FaultFailFirst, WireHeaders.FaultStatus, WireHeaders.FaultRetryAfter, WireHeaders.FaultRate, WireHeaders.FaultControlKey }, headers);
        Assert.True(hello.GetProperty("responses").GetProperty("503").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    // Route parameters as the document writes them ({count}); any trailing slash of a group's root dropped.
    private static string Normalize(string endpoint) => endpoint.TrimEnd('/');
}
