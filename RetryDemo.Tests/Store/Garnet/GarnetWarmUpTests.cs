using RetryDemo.Store.Garnet;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>The store's start, as the Store project starts it: warmed before anyone is told it is up, and nothing left behind.</summary>
[Trait("Category", "Component")]
public sealed class GarnetWarmUpTests : IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StartAsync_BeforeReturning_HasRunAScriptOnTheServer()
    {
        var store = await _server.ConnectAsync();

        // Garnet keeps every script it has run; only the warm-up has run one on a server just started.
        Assert.True(await store.GetServers().Single().ScriptExistsAsync(GarnetWarmUp.TouchEachCommand));
    }

    [Fact]
    public async Task StartAsync_AfterTheWarmUp_LeavesNoKeyBehind()
    {
        var store = await _server.ConnectAsync();

        Assert.Equal(0, await store.GetServers().Single().DatabaseSizeAsync());
    }
}
