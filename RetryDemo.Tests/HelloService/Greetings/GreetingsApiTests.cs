using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using RetryDemo.HelloService.Greetings;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Replicas;

namespace RetryDemo.Tests.HelloService.Greetings;

[Trait("Category", "Component")]
public class GreetingsApiTests
{
    private static ServiceHost<ServiceInstance> StartHello() => new(new Dictionary<string, string?>());

    private static HttpRequestMessage Post(string json, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task CreateGreeting_SameKeySameBody_ReplaysTheFirstGreeting()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var first = await http.SendAsync(Post("""{"name":"Ada"}""", "key-1"), TestContext.Current.CancellationToken);
        using var second = await http.SendAsync(Post("""{"name":"Ada"}""", "key-1"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<Greeting>(cancellationToken: TestContext.Current.CancellationToken))!.Id, (await second.Content.ReadFromJsonAsync<Greeting>(cancellationToken: TestContext.Current.CancellationToken))!.Id);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Theory]
    [InlineData(0, "1")]   // claimed just now: most likely being written, come back in a second
    [InlineData(3, "2")]   // claimed 3 s of its 5 s lease ago: most likely orphaned, come back when the lease ends
    public async Task CreateGreeting_KeyStillClaimed_Answers409WithRetryAfterNoLaterThanTheLeaseEnd(int claimAgeSeconds, string retryAfter)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>(), services => services.AddSingleton<TimeProvider>(time));
        using var http = hello.CreatePlainClient();
        var store = hello.Services.GetRequiredService<IGreetingStore>();
        Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("held", RetryDemo.Contracts.GreetingFingerprint.Of("Ada"), TestContext.Current.CancellationToken));
        time.Advance(TimeSpan.FromSeconds(claimAgeSeconds));

        using var response = await http.SendAsync(Post("""{"name":"Ada"}""", "held"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(retryAfter, response.Headers.GetValues("Retry-After").Single());
    }

    /// <summary>The claim's lease runs out between the claim and the write (a clock that jumps 6 s at every reading).</summary>
    [Fact]
    public async Task CreateGreeting_ClaimRanOutBeforeTheWrite_Answers409RetryAfter1AndWritesNothing()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>(), services => services.AddSingleton<TimeProvider>(time));
        using var http = hello.CreatePlainClient();
        var lease = hello.Services.GetRequiredService<RetryDemo.HelloService.Store.StateRetention>().ClaimLease;
        time.AutoAdvanceAmount = lease + TimeSpan.FromSeconds(1);

        using var response = await http.SendAsync(Post("""{"name":"Ada"}""", "slow"), TestContext.Current.CancellationToken);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        time.AutoAdvanceAmount = TimeSpan.Zero;
        using var again = await http.SendAsync(Post("""{"name":"Ada"}""", "slow"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Contains("ran out before the write", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode); // the key was left free, and nothing was written before
        Assert.Equal(1, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Fact]
    public async Task CreateGreeting_SameKeyDifferentBody_Answers422AndCreatesNothing()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var first = await http.SendAsync(Post("""{"name":"Ada"}""", "key-2"), TestContext.Current.CancellationToken);
        using var second = await http.SendAsync(Post("""{"name":"Grace"}""", "key-2"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Fact]
    public async Task CreateGreeting_WithoutKey_CreatesEachTime()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        (await http.SendAsync(Post("""{"name":"Ada"}"""), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await http.SendAsync(Post("""{"name":"Ada"}"""), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        Assert.Equal(2, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    [Fact]
    public async Task CreateGreeting_CommitThenFail_RetryWithTheKeyReplaysInsteadOfCreatingAgain()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        var failing = Post("""{"name":"Ada"}""", "key-3");
        failing.Headers.Add("X-Fault-Commit-Fail-Rate", "1");
        using var lost = await http.SendAsync(failing, TestContext.Current.CancellationToken);
        using var retry = await http.SendAsync(Post("""{"name":"Ada"}""", "key-3"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(1, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
    }

    public static TheoryData<string, string?> InvalidWrites => new()
    {
        { """{"name":""}""", null },
        { """{"name":"   "}""", null },
        { """{}""", null },
        { """{"name":"ok"}""", "" },
        { """{"name":"ok"}""", "has space" },
        { """{"name":"ok"}""", new string('k', 129) },
        { """{"name":"x\u0001y"}""", null },
        { "{not json", null },
        { "{\"name\":\"" + new string('n', 101) + "\"}", null },
        { "{\"name\":\"" + new string('n', 5000) + "\"}", null },
    };

    [Theory]
    [MemberData(nameof(InvalidWrites))]
    public async Task CreateGreeting_InvalidInput_Answers4xxProblemAndCreatesNothing(string json, string? key)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var response = await http.SendAsync(Post(json, key), TestContext.Current.CancellationToken);

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await http.GetFromJsonAsync<GreetingList>("/greetings", cancellationToken: TestContext.Current.CancellationToken))!.Count);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Theory]
    [InlineData("Ada", HttpStatusCode.OK)]
    [InlineData("Grace", HttpStatusCode.UnprocessableEntity)]
    public async Task GetGreetingByKey_WithTheNamesFingerprint_TellsTheKeysOwnGreetingFromAnother(string name, HttpStatusCode expected)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();
        using var created = await http.SendAsync(Post("""{"name":"Ada"}""", "key-fp"), TestContext.Current.CancellationToken);

        using var byFingerprint = await http.GetAsync($"/greetings/by-key?key=key-fp&fingerprint={RetryDemo.Contracts.GreetingFingerprint.Of(name).ToLowerInvariant()}", TestContext.Current.CancellationToken);
        using var byName = await http.GetAsync($"/greetings/by-key?key=key-fp&name={name}", TestContext.Current.CancellationToken);

        Assert.Equal(expected, byFingerprint.StatusCode);
        Assert.Equal(expected, byName.StatusCode);
    }

    [Theory]
    [InlineData("key=k&fingerprint=abc", "fingerprint")]
    [InlineData("key=k&fingerprint=" + "zz00000000000000000000000000000000000000000000000000000000000000", "fingerprint")]
    [InlineData("key=k&name=Ada&fingerprint=" + "0000000000000000000000000000000000000000000000000000000000000000", "fingerprint")]
    [InlineData("key=a&key=b", "key")]
    [InlineData("key=", "key")]
    [InlineData("name=Ada", "key")]
    public async Task GetGreetingByKey_MalformedLookup_Answers400NamingTheField(string query, string field)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var response = await http.GetAsync($"/greetings/by-key?{query}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// ClientService's commit check names the call it checks: a 404 closes the key to that call's attempts still on
    /// their way (one arriving now is refused, so the 404 stays true), and the caller's next call with the key writes.
    /// </summary>
    [Fact]
    public async Task GetGreetingByKey_WithARequestIdFindingNothing_ThatRequestsLateWriteIsRefusedAndAnotherRequestWrites()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var check = new HttpRequestMessage(HttpMethod.Get, "/greetings/by-key?key=key-closed&name=Ada") { Headers = { { "X-Request-Id", "call-1" } } };
        using var notFound = await http.SendAsync(check, TestContext.Current.CancellationToken);
        using var late = Post("""{"name":"Ada"}""", "key-closed");
        late.Headers.Add("X-Request-Id", "call-1");
        using var refused = await http.SendAsync(late, TestContext.Current.CancellationToken);
        using var next = Post("""{"name":"Ada"}""", "key-closed");
        next.Headers.Add("X-Request-Id", "call-2");
        using var created = await http.SendAsync(next, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(["call-1"], notFound.Headers.GetValues("X-Closed-Request-Id")); // the 404 says whom it closed the key to
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Request closed", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/greetings/by-key?key=key-closed&name=Ada", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>A check that names no call closes nothing, and its 404 says so by naming none.</summary>
    [Fact]
    public async Task GetGreetingByKey_WithoutARequestIdFindingNothing_Is404ClosingNothing()
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var notFound = await http.GetAsync("/greetings/by-key?key=key-open&name=Ada", TestContext.Current.CancellationToken);
        using var write = Post("""{"name":"Ada"}""", "key-open");
        write.Headers.Add("X-Request-Id", "call-1");
        using var created = await http.SendAsync(write, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.False(notFound.Headers.Contains("X-Closed-Request-Id"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("{braces}")]
    [InlineData("a,b")]
    public async Task GetGreetingByKey_MalformedRequestId_Answers400NamingTheHeader(string requestId)
    {
        await using var hello = StartHello();
        using var http = hello.CreatePlainClient();

        using var check = new HttpRequestMessage(HttpMethod.Get, "/greetings/by-key?key=k");
        check.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        using var response = await http.SendAsync(check, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"X-Request-Id\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
