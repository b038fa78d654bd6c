namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The AppHost with <c>--Parameters:hello-replicas=3</c>, shared by the tests of its collection (which run
/// one after another); each replica answered once at its own address before the first test, so cold
/// starts are not what any test measures. As with <see cref="DefaultApp"/>, every test starts with
/// <see cref="ResetFaultsAsync"/>, and a test whose calls go through ClientService with
/// <see cref="RetryDemoApp.RestartClientAsync"/>.
/// </summary>
public sealed class ThreeReplicaApp : IAsyncLifetime
{
    public RetryDemoApp Running { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Running = await RetryDemoApp.StartAsync(args: "Parameters:hello-replicas=3");
        await ReplicaTests.WarmUpAsync(Running);
    }

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();

    /// <summary>The dashboard's reset on one replica, then every replica answers GET /hello with 200 at its own address: the state they share was reset.</summary>
    public async Task ResetFaultsAsync()
    {
        await Running.RunCommandAsync(Running.ReplicaIds("hello")[0], "reset");
        await ReplicaTests.WarmUpAsync(Running);
    }
}

[CollectionDefinition(Name)]
public sealed class ThreeReplicaAppCollection : ICollectionFixture<ThreeReplicaApp>
{
    public const string Name = "The AppHost with three HelloService replicas";
}
