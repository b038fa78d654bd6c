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
        using var write = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
        write.Headers.Add("Idempotency-Key", "store-password-" + Guid.NewGuid().ToString("N"));

        var replies = await RespProbe.SendAsync(store.Host, store.Port, ["AUTH", password!], ["PING"]);
        using var written = await hello.SendAsync(write, TestContext.Current.CancellationToken);

        Assert.Equal(["+OK", "+PONG"], replies);
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
    }
}
