using System.Net;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// One app with the AppHost's defaults, shared by the tests of <see cref="DefaultAppCollection"/> (which run
/// one after another), so none may depend on another's order:
/// a test that changes HelloService's faults starts with <see cref="ResetFaultsAsync"/>; a test whose calls
/// go through ClientService also starts with <see cref="RetryDemoApp.RestartClientAsync"/>, because
/// ClientService's retry budget and breaker remember earlier tests' failures. A test that calls HelloService
/// directly, or only reads the app model, does not need a fresh ClientService, and says so.
/// </summary>
public sealed class DefaultApp : IAsyncLifetime
{
    public RetryDemoApp Running { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Running = await RetryDemoApp.StartAsync();

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();

    public async Task ResetFaultsAsync()
    {
        await Running.RunCommandAsync("hello", "reset");
        using var hello = Running.CreateHttpClient("hello");
        Assert.Equal(HttpStatusCode.OK, (await hello.GetAsync("/hello", TestContext.Current.CancellationToken)).StatusCode);
    }
}

[CollectionDefinition(Name)]
public sealed class DefaultAppCollection : ICollectionFixture<DefaultApp>
{
    public const string Name = "The AppHost with its defaults";
}
