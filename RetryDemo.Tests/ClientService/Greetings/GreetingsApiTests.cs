using System.Net;
using System.Net.Http.Json;
using System.Text;
using RetryDemo.HelloService.Greetings;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.ClientService.Greetings;

[Trait("Category", "Component")]
public class GreetingsApiTests
{
    public static TheoryData<string, string, string?> InvalidRequests => new()
    {
        { "", """{"name":""}""", null },
        { "", """{}""", null },
        { "", "", null },
        { "", "[1,2]", null },
        { "", """{"name":"ok"}""", "bad key with spaces" },
        { "", """{"name":"ok"}""", new string('k', 129) },
        { "", "{\"name\":\"" + new string('n', 5000) + "\"}", null },
        { "?commitFailRate=2", """{"name":"ok"}""", null },
        { "?commitDelayMs=-1", """{"name":"ok"}""", null },
        { "?failStatus=418", """{"name":"ok"}""", null },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task CreateGreeting_InvalidRequest_Answers4xxProblemAndCreatesNothing(string query, string body, string? key)
    {
        await using var system = new RetryDemoSystem();
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/greetings{query}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await hello.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task CreateGreeting_CallersKeyTwice_CreatesOneGreeting()
    {
        await using var system = new RetryDemoSystem();
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
            request.Headers.Add("Idempotency-Key", "callers-own-key");
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request, TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Equal(1, (await hello.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Fact]
    public async Task CreateGreeting_Location_AnswersOnClientService()
    {
        await using var system = new RetryDemoSystem();
        using var client = system.Client.CreatePlainClient();

        using var created = await client.PostAsJsonAsync("/greetings", new { name = "Ada" }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("id").GetString();

        using var fetched = await client.GetAsync(created.Headers.Location, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(id, (await fetched.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellationToken: TestContext.Current.CancellationToken)).GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("/greetings/0123456789abcdef0123456789abcdef")] // well formed, never created
    [InlineData("/greetings/..%2F..%2Fhello")]
    [InlineData("/greetings/%2e%2e")]
    [InlineData("/greetings/a.b")]
    public async Task GetGreeting_NoSuchGreeting_Answers404(string path)
    {
        await using var system = new RetryDemoSystem();
        using var client = system.Client.CreatePlainClient();

        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("application/json", "{", HttpStatusCode.BadRequest)]
    [InlineData("text/x-parameter \"secret\"", "{}", HttpStatusCode.UnsupportedMediaType)]
    public async Task CreateGreeting_UnreadableBody_AnswersProblemWhateverTheAcceptHeaderWithoutEchoingIt(string contentType, string body, HttpStatusCode expected)
    {
        await using var system = new RetryDemoSystem();
        using var client = system.Client.CreatePlainClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("secret", text);
        Assert.DoesNotContain("NewGreeting", text);
    }
}
