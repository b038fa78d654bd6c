using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The store under the AppHost asks for the password the AppHost generated, and HelloService has it. Calls
/// HelloService directly and reads the app model, so it needs no fresh ClientService.
/// </summary>
[Collection(DefaultAppCollection.Name)]
[Trait("Category", "App")]
public sealed class StorePasswordTests
{
    private readonly DefaultApp app;

    public StorePasswordTests(DefaultApp app) => (this.app = app).Running.AttachToCurrentTest();

    [Fact]
    public async Task StoreTcpEndpoint_PingWithoutThePassword_IsRefusedWithNoAuth()
    {
        var store = app.Running.App.GetEndpoint("store", "tcp");

        var reply = Assert.Single(await RespProbe.SendAsync(store.Host, store.Port, ["PING"]));

        Assert.StartsWith("-NOAUTH", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreTcpEndpoint_WithTheGeneratedPassword_AnswersAndHelloWritesThroughIt()
    {
        var store = app.Running.App.GetEndpoint("store", "tcp");
        var password = Assert.Single(Assert.Single(app.Running.Instances("store")).EnvironmentVariables, v => v.Name == "Store__Password").Value;
        Assert.False(string.IsNullOrEmpty(password));
        using var hello = app.Running.CreateHttpClient("hello");
        var key = "store-password-" + Guid.NewGuid().ToString("N");

        var replies = await RespProbe.SendAsync(store.Host, store.Port, ["AUTH", password!], ["PING"]);
        // Retried with the same key (so written once) while the store is merely slow on a busy machine: a 503
        // for its 1 s timeout is not a refusal, which would answer 503 every time.
        var written = await Limit.WithinAsync(TimeSpan.FromMinutes(1), "HelloService did not write a greeting to the store", async ct =>
        {
            while (true)
            {
                using var write = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
                write.Headers.Add("Idempotency-Key", key);
                using var response = await hello.SendAsync(write, ct);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    return response.StatusCode;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        });

        Assert.Equal(["+OK", "+PONG"], replies);
        Assert.Equal(HttpStatusCode.Created, written);
    }
}
