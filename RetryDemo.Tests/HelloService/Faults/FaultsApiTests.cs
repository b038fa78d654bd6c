using System.Net;
using System.Net.Http.Json;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Faults.Control;
using RetryDemo.HelloService.Replicas;

namespace RetryDemo.Tests.HelloService.Faults;

/// <summary>The operator actions behind the dashboard's buttons.</summary>
[Trait("Category", "Component")]
public class FaultsApiTests
{
    [Fact]
    public async Task FailNext_Three_FailsExactlyTheNextThreeRequests()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>());
        using var http = hello.CreatePlainClient();

        using var command = await http.PostAsync("/faults/fail-next/3?status=500", null, TestContext.Current.CancellationToken);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, command.StatusCode);
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task Throttle_Two_Answers429WithRetryAfterTwiceThenOk()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>());
        using var http = hello.CreatePlainClient();

        using var command = await http.PostAsync("/faults/throttle/2?retryAfterSeconds=2", null, TestContext.Current.CancellationToken);
        using var first = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
        using var second = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
        using var third = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, command.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Outage_OnThenOff_Fails503UntilTurnedOff()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>());
        using var http = hello.CreatePlainClient();

        (await http.PostAsync("/faults/outage/on", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var during = await http.GetAsync("/hello", TestContext.Current.CancellationToken);
        var state = await http.GetFromJsonAsync<FaultsResponse>("/faults", cancellationToken: TestContext.Current.CancellationToken);
        (await http.PostAsync("/faults/outage/off", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var after = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.True(state!.State.Outage);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Reset_ClearsOutageAndFailNext()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>());
        using var http = hello.CreatePlainClient();

        (await http.PostAsync("/faults/outage/on", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await http.PostAsync("/faults/fail-next/5", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await http.PostAsync("/faults/reset", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var response = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/faults/fail-next/0")]
    [InlineData("/faults/fail-next/-3")]
    [InlineData("/faults/fail-next/abc")]
    [InlineData("/faults/fail-next/10001")]
    [InlineData("/faults/fail-next/2?status=418")]
    [InlineData("/faults/fail-next/2?status=five")]
    [InlineData("/faults/fail-next/2?status=500&retryAfterSeconds=3")]
    [InlineData("/faults/throttle/2?retryAfterSeconds=-1")]
    [InlineData("/faults/throttle/2?retryAfterSeconds=99999")]
    public async Task Command_InvalidInput_Answers400ProblemAndChangesNothing(string path)
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>());
        using var http = hello.CreatePlainClient();

        using var response = await http.PostAsync(path, null, TestContext.Current.CancellationToken);
        var state = await http.GetFromJsonAsync<FaultsResponse>("/faults", cancellationToken: TestContext.Current.CancellationToken);
        using var hello200 = await http.GetAsync("/hello", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, state!.State.FailNextRemaining);
        Assert.Equal(HttpStatusCode.OK, hello200.StatusCode);
    }
}
