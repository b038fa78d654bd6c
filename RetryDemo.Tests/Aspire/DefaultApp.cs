using System.Net;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// One app with the AppHost's defaults, shared by the tests of <see cref="DefaultAppCollection"/> (which run
/// one after another). A test that changes HelloService's faults starts with <see cref="ResetFaultsAsync"/>,
/// so none depends on another's order.
/// </summary>
public sealed class DefaultApp : IAsyncLifetime
{
    public RetryDemoApp Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RetryDemoApp.StartAsync();

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();

    public async Task ResetFaultsAsync()
    {
        var reset = await Running.App.ResourceCommands.ExecuteCommandAsync("hello", "reset");
        Assert.True(reset.Success, reset.Message);
        using var hello = Running.CreateHttpClient("hello");
        Assert.Equal(HttpStatusCode.OK, (await hello.GetAsync("/hello")).StatusCode);
    }
}

[CollectionDefinition(Name)]
public sealed class DefaultAppCollection : ICollectionFixture<DefaultApp>
{
    public const string Name = "The AppHost with its defaults";
}
