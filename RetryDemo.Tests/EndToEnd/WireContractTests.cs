using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>
/// One set of fault rules (RetryDemo.Contracts), checked by both services: a bad fault request is a
/// 400 naming the field from whichever service receives it — ClientService names its query parameter,
/// HelloService the header it arrives in — and never ClientService's 502.
/// </summary>
[Trait("Category", "Component")]
public sealed class WireContractTests : IAsyncDisposable
{
    private readonly RetryDemoSystem _system = new();

    public ValueTask DisposeAsync() => _system.DisposeAsync();

    /// <summary>Query parameters for ClientService, and the field each must be named by (HelloService names it by its header, <see cref="HeaderOf"/>).</summary>
    public static TheoryData<string, string> BadFaults => new()
    {
        { "failFirst=1&failStatus=500&retryAfter=5", "retryAfter" },
        { "failFirst=1&failStatus=404&retryAfter=5", "retryAfter" },
        { "failStatus=418", "failStatus" },
        { "failFirst=101", "failFirst" },
        { "failureRate=1.5", "failureRate" },
        { "failStatus=503&retryAfter=3601", "retryAfter" },
        { "latencyMs=30001", "latencyMs" },
        { "commitDelayMs=-1", "commitDelayMs" },
        { "failureRate=0,1", "failureRate" },
        { "failFirst=1,000", "failFirst" },
    };

    /// <summary>The header HelloService reads a query parameter's value from.</summary>
    private static string HeaderOf(string query) => FaultSettings.All.Single(setting => setting.Query == query).Header;

    [Theory]
    [MemberData(nameof(BadFaults))]
    public async Task BadFaultRequest_BothServicesAnswer400NamingTheField(string query, string queryField)
    {
        using var client = _system.Client.CreatePlainClient();
        using var hello = _system.Hello.CreatePlainClient();
        using var direct = new HttpRequestMessage(HttpMethod.Get, "/hello");
        foreach (var pair in query.Split('&').Select(p => p.Split('=')))
        {
            direct.Headers.Add(HeaderOf(pair[0]), pair[1]);
        }

        using var viaClient = await client.GetAsync($"/hello?{query}", TestContext.Current.CancellationToken);
        using var greetingViaClient = await client.PostAsJsonAsync($"/greetings?{query}", new { name = "Ada" }, cancellationToken: TestContext.Current.CancellationToken);
        using var atHello = await hello.SendAsync(direct, TestContext.Current.CancellationToken);

        await AssertNamesAsync(viaClient, queryField);
        await AssertNamesAsync(greetingViaClient, queryField);
        await AssertNamesAsync(atHello, HeaderOf(queryField));
        Assert.Equal(0, (await hello.GetFromJsonAsync<JsonElement>("/greetings", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("count").GetInt32());
    }

    /// <summary>
    /// Whitespace around a value is refused where a caller can send it: in ClientService's query. (HTTP itself
    /// strips it from around a header's value, so HelloService never sees it there.)
    /// </summary>
    [Theory]
    [InlineData("failFirst=%201", "failFirst")]
    [InlineData("failFirst=1%20", "failFirst")]
    [InlineData("failFirst=%091", "failFirst")]
    [InlineData("failStatus=%20503", "failStatus")]
    [InlineData("seed=%2012", "seed")]
    public async Task FaultValueWithWhitespace_ClientServiceAnswers400NamingTheField(string query, string queryField)
    {
        using var client = _system.Client.CreatePlainClient();

        using var viaClient = await client.GetAsync($"/hello?{query}", TestContext.Current.CancellationToken);

        await AssertNamesAsync(viaClient, queryField);
    }

    // (A non-ASCII key cannot be sent: HttpClient refuses it before the wire.)
    public static TheoryData<string> BadKeys => new() { "", "has space", new string('k', IdempotencyKeys.MaxLength + 1) };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task BadIdempotencyKey_BothServicesAnswer400NamingTheHeader(string key)
    {
        foreach (var service in new[] { _system.Client.CreatePlainClient(), _system.Hello.CreatePlainClient() })
        {
            using var http = service;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
            request.Headers.TryAddWithoutValidation(WireHeaders.IdempotencyKey, key);

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

            await AssertNamesAsync(response, WireHeaders.IdempotencyKey);
        }

        using var hello = _system.Hello.CreatePlainClient();
        Assert.Equal(0, (await hello.GetFromJsonAsync<JsonElement>("/greetings", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("application/json; charset=bogus", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=utf-7", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=\"utf-8\"", HttpStatusCode.Created)]
    [InlineData("application/json; charset=UTF-8", HttpStatusCode.Created)]
    public async Task BodyCharset_BothServicesTakeUtf8AndRefuseTheRestNamingContentType(string contentType, HttpStatusCode expected)
    {
        foreach (var service in new[] { _system.Client.CreatePlainClient(), _system.Hello.CreatePlainClient() })
        {
            using var http = service;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = new StringContent("""{"name":"Ada"}""") };
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Add(WireHeaders.IdempotencyKey, Guid.NewGuid().ToString());

            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.UnsupportedMediaType)
            {
                await AssertNamesAsync(response, "Content-Type", expected);
            }
        }
    }

    [Fact]
    public async Task RetryAfterWithTheProfilesStatus_BothServicesTakeItAndSendNoRetryAfter()
    {
        // The request names Retry-After but not the status, and HelloService's profile fails with 500, which
        // can't carry one: neither service can call that the caller's mistake without knowing the other's
        // profile, so both take it, and the 500 goes out without Retry-After (the rule: RetryDemo.Contracts).
        await using var system = new RetryDemoSystem(helloSettings: new Dictionary<string, string?> { ["Faults:FailureStatusCode"] = "500" });
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();
        using var direct = new HttpRequestMessage(HttpMethod.Get, "/hello");
        direct.Headers.Add(FaultSettings.FailFirst.Header, "1");
        direct.Headers.Add(FaultSettings.RetryAfter.Header, "2");

        using var atHello = await hello.SendAsync(direct, TestContext.Current.CancellationToken);
        using var viaClient = await client.GetAsync("/hello?failFirst=1&retryAfter=2", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, atHello.StatusCode);
        Assert.Null(atHello.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, viaClient.StatusCode);
        var report = (await viaClient.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("report");
        Assert.Equal([500, 200], report.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string field, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(errors.Contains(field), $"expected an error for {field}, got {string.Join(", ", errors)}: {problem}");
    }
}
