using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RetryDemo.Tests.Contracts;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>
/// One name rule, checked by both services: a bad name is the caller's 400 naming <c>name</c> from
/// whichever service receives it (never ClientService's 502), and a visible one is greeted by both.
/// </summary>
[Trait("Category", "Component")]
public sealed class GreetingNameTests : IAsyncDisposable
{
    private readonly RetryDemoSystem _system = new();

    public ValueTask DisposeAsync() => _system.DisposeAsync();

    public static TheoryData<string> BadNames => new()
    {
        "",
        "   ",
        "A\u0001d\u0007a",
        "Ada\nLovelace",
        "Ada\u200b",
        "\u00adAda",
        new string('n', 101),
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task CreateGreeting_BadName_BothServicesAnswer400NamingName(string name)
    {
        foreach (var service in new[] { _system.Hello.CreatePlainClient(), _system.Client.CreatePlainClient() })
        {
            using var http = service;
            using var response = await http.PostAsJsonAsync("/greetings", new { name }, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), $"{http.BaseAddress}: {problem}");
        }

        using var hello = _system.Hello.CreatePlainClient();
        Assert.Equal(0, (await hello.GetFromJsonAsync<JsonElement>("/greetings", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("Ada\\ud83d")]
    [InlineData("\\ude00Ada")]
    public async Task CreateGreeting_UnpairedSurrogate_BothServicesAnswer400(string escapedName)
    {
        // Only JSON's \u escapes can carry half a surrogate pair; UTF-8 cannot.
        foreach (var service in new[] { _system.Hello.CreatePlainClient(), _system.Client.CreatePlainClient() })
        {
            using var http = service;
            using var content = new StringContent($$"""{"name":"{{escapedName}}"}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/greetings", content, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(GreetingNameAttributeTests.Visible), MemberType = typeof(GreetingNameAttributeTests))]
    public async Task CreateGreeting_VisibleName_IsGreetedThroughClientService(string name)
    {
        using var client = _system.Client.CreatePlainClient();

        using var response = await client.PostAsJsonAsync("/greetings", new { name }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var greeting = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(name.Trim(), greeting.GetProperty("message").GetString());
    }

    public static TheoryData<string, int, bool> HeaviestClusters => new()
    {
        { "👨‍👩‍👧‍👦", 62, true },
        { "👨‍👩‍👧‍👦", 100, true },
        { "👨🏻‍👩🏻‍👧🏻‍👦🏻", 60, true },
        { "👨🏻‍👩🏻‍👧🏻‍👦🏻", 61, false },
        { "a" + new string('\u0301', 8), 100, true },
        { "a" + new string('\u0301', 31), 39, true },
        { "a" + new string('\u0301', 31), 40, false },
        { "李", 100, true },
        { "🙂", 100, true },
    };

    /// <summary>
    /// Names built from the heaviest clusters the rule allows, sent as a caller's JSON (every non-ASCII character
    /// escaped, the largest form) and as UTF-8: ClientService gives the answer HelloService gives directly,
    /// 201 or a 400 naming <c>name</c>, never a 502 for a name it accepted (it used to re-send emoji as \u
    /// escapes, past HelloService's body limit).
    /// </summary>
    [Theory]
    [MemberData(nameof(HeaviestClusters))]
    public async Task CreateGreeting_HeaviestClusters_ClientServiceAnswersAsHelloServiceDoes(string cluster, int count, bool valid)
    {
        var name = string.Concat(Enumerable.Repeat(cluster, count));
        foreach (var body in new[] { JsonSerializer.Serialize(new { name }), $$"""{"name":"{{name}}"}""" })
        {
            var answers = new List<HttpStatusCode>();
            foreach (var service in new[] { _system.Hello.CreatePlainClient(), _system.Client.CreatePlainClient() })
            {
                using var http = service;
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync("/greetings", content, TestContext.Current.CancellationToken);
                answers.Add(response.StatusCode);
                var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
                if (valid)
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Created, $"{http.BaseAddress} answered {(int)response.StatusCode} for {count} × {cluster} ({Encoding.UTF8.GetByteCount(body)} bytes): {answer}");
                    Assert.Equal($"Hello, {name}!", answer.GetProperty("message").GetString());
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest && answer.GetProperty("errors").TryGetProperty("name", out _),
                        $"{http.BaseAddress} answered {(int)response.StatusCode} for {count} × {cluster}: {answer}");
                }
            }

            Assert.Equal(answers[0], answers[1]);
        }
    }
}
