using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.HelloService.Greetings;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.EndToEnd;

/// <summary>
/// Exactly-once whatever the key looks like: through ClientService to HelloService, with HelloService's
/// state in process and in the real store. A write whose every attempt fails before the commit answers
/// an error and leaves nothing; one committed on its last attempt whose reply is lost answers 201 with
/// the stored greeting. Either way, what ClientService says is what HelloService holds.
/// </summary>
[Trait("Category", "Component")]
public sealed class KeyShapeTests
{
    public static TheoryData<string, bool> Keys()
    {
        var data = new TheoryData<string, bool>();
        foreach (var key in new[] { ".", "..", "a/b", "%2e", "?x=1#y", new string('k', 127) + "/" })
        {
            data.Add(key, false);
            data.Add(key, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task CreateGreeting_EveryAttemptFailsBeforeTheWrite_AnswersAnErrorAndNothingIsStored(string key, bool withStore)
    {
        await using var store = withStore ? await StoreServer.StartAsync() : null;
        await using var system = System(store);
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();
        (await hello.PostAsync("/faults/fail-next/5", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        using var response = await client.SendAsync(Post(key), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Exhausted", problem.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await hello.GetAsync(ByKey(key), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(0, (await hello.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task CreateGreeting_CommittedOnTheLastAttemptWithTheReplyLost_Answers201WithTheStoredGreeting(string key, bool withStore)
    {
        await using var store = withStore ? await StoreServer.StartAsync() : null;
        await using var system = System(store);
        using var client = system.Client.CreatePlainClient();
        using var hello = system.Hello.CreatePlainClient();

        using var response = await client.SendAsync(Post(key, "?failFirst=4&commitFailRate=1"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(created.GetProperty("report").GetProperty("reconciled").GetBoolean());
        var id = created.GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        var stored = await hello.GetFromJsonAsync<Greeting>(ByKey(key), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(id, stored!.Id);
        Assert.Equal(1, (await hello.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateGreeting_KeyReusedForAnotherName_Answers422ThroughClientService(bool withStore)
    {
        await using var store = withStore ? await StoreServer.StartAsync() : null;
        await using var system = System(store);
        using var client = system.Client.CreatePlainClient();

        using var first = await client.SendAsync(Post("reused", name: "Ada"), TestContext.Current.CancellationToken);
        using var second = await client.SendAsync(Post("reused", name: "Grace"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    private static RetryDemoSystem System(StoreServer? store) => new(
        helloSettings: store is null ? null : new Dictionary<string, string?> { ["ConnectionStrings:store"] = store.ConnectionString });

    private static HttpRequestMessage Post(string key, string query = "", string name = "Ada")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/greetings" + query) { Content = JsonContent.Create(new { name }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string ByKey(string key) => $"/greetings/by-key?key={Uri.EscapeDataString(key)}";
}
