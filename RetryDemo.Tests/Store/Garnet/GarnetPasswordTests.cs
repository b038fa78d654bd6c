using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetryDemo.Store.Garnet;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The real store with a password, started as the Store project starts it: nothing is answered before AUTH.</summary>
[Trait("Category", "Component")]
public sealed class GarnetPasswordTests : IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("PING")]
    [InlineData("KEYS", "*")]
    [InlineData("SET", "retrydemo:faults:state", "1")]
    [InlineData("FLUSHALL")]
    public async Task Command_WithoutThePassword_IsRefusedWithNoAuth(params string[] command)
    {
        var reply = Assert.Single(await RespProbe.SendAsync("127.0.0.1", _server.Options.Port, command));

        Assert.StartsWith("-NOAUTH", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_AfterAuthWithThePassword_AnswersPong()
    {
        var replies = await RespProbe.SendAsync("127.0.0.1", _server.Options.Port, ["AUTH", _server.Options.Password!], ["PING"]);

        Assert.Equal(["+OK", "+PONG"], replies);
    }

    [Fact]
    public async Task Auth_WithAnotherPassword_IsRefused()
    {
        var reply = Assert.Single(await RespProbe.SendAsync("127.0.0.1", _server.Options.Port, ["AUTH", "not-" + _server.Options.Password]));

        Assert.StartsWith("-WRONGPASS", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_WithThePassword_IsHealthy()
    {
        await using var check = new GarnetHealthCheck(_server.Host, Microsoft.Extensions.Options.Options.Create(_server.Options), TimeProvider.System);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }
}
