using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.OpenApi;

/// <summary>Each service's /openapi/v1.json (Development) against what it really maps.</summary>
[Trait("Category", "Component")]
public sealed class OpenApiDocumentTests : IAsyncDisposable
{
    private static readonly string[] NotDocumented = ["/health", "/alive", "/openapi/{documentName}.json"];

    private readonly RetryDemoSystem _system = new();

    public ValueTask DisposeAsync() => _system.DisposeAsync();

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

        var document = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", cancellationToken: TestContext.Current.CancellationToken);
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .Select(Normalize)
            .ToHashSet();

        Assert.NotEmpty(mapped);
        Assert.Equal(mapped.Order(), documented.Order());
    }

    [Fact]
    public async Task ClientDocument_DescribesEveryParameterTheEndpointsRead()
    {
        using var http = _system.Client.CreatePlainClient();
        var paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("paths");
        var faultQuery = FaultSettings.All.Select(setting => "query " + setting.Query).ToHashSet();

        Assert.Equal([.. faultQuery, "header " + WireHeaders.FaultControlKey], Parameters(paths, "/hello", "get"));
        Assert.Equal([.. faultQuery, "header " + WireHeaders.FaultControlKey, "header " + WireHeaders.IdempotencyKey], Parameters(paths, "/greetings", "post"));
        Assert.Equal(["path id"], Parameters(paths, "/greetings/{id}", "get"));
        var responses = paths.GetProperty("/hello").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "200", "400", "403", "429", "502", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"GET /hello documents no {status}");
        }

        Assert.True(responses.GetProperty("503").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task HelloDocument_DescribesEveryHeaderTheEndpointsRead()
    {
        using var http = _system.Hello.CreatePlainClient();
        var paths = (await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("paths");
        var faultHeaders = FaultSettings.All.Select(setting => "header " + setting.Header).ToHashSet();
        faultHeaders.UnionWith(["header " + WireHeaders.RequestId, "header " + WireHeaders.FaultControlKey]);

        Assert.Equal(faultHeaders, Parameters(paths, "/hello", "get"));
        Assert.Equal([.. faultHeaders, "header " + WireHeaders.IdempotencyKey], Parameters(paths, "/greetings", "post"));
        Assert.Equal(["path count", "query status", "query retryAfterSeconds", "header " + WireHeaders.FaultControlKey], Parameters(paths, "/faults/fail-next/{count}", "post"));
        Assert.True(paths.GetProperty("/hello").GetProperty("get").GetProperty("responses").GetProperty("503").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task Documents_TypeEachFaultSettingAsBothServicesParseIt()
    {
        using var client = _system.Client.CreatePlainClient();
        using var hello = _system.Hello.CreatePlainClient();
        var viaClient = Schemas((await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken)).GetProperty("paths"), "/hello", "get");
        var atHello = Schemas((await hello.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken)).GetProperty("paths"), "/hello", "get");

        foreach (var setting in FaultSettings.All)
        {
            var expected = setting.Kind switch { FaultValueKind.Boolean => "boolean", FaultValueKind.Probability => "number", _ => "integer" };
            Assert.Equal((setting.Query, expected), (setting.Query, viaClient["query " + setting.Query]));
            Assert.Equal((setting.Header, expected), (setting.Header, atHello["header " + setting.Header]));
        }
    }

    private static Dictionary<string, string?> Schemas(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray().ToDictionary(
            p => $"{p.GetProperty("in").GetString()} {p.GetProperty("name").GetString()}",
            p => p.GetProperty("schema").TryGetProperty("type", out var type) ? type.ToString() : null);

    private static HashSet<string> Parameters(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Select(p => $"{p.GetProperty("in").GetString()} {p.GetProperty("name").GetString()}").ToHashSet()
            : [];

    // Route parameters as the document writes them ({count}); any trailing slash of a group's root dropped.
    private static string Normalize(string endpoint) => endpoint.TrimEnd('/');
}
