namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The AppHost with <c>--Parameters:hello-replicas=3</c>, shared by the tests of its collection (which run
/// one after another); each replica answered once at its own address before the first test, so cold
/// starts are not what any test measures.
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

    public async Task ResetFaultsAsync()
    {
        var reset = await Running.App.ResourceCommands.ExecuteCommandAsync(Running.ReplicaIds("hello")[0], "reset");
        Assert.True(reset.Success, reset.Message);
    }
}

[CollectionDefinition(Name)]
public sealed class ThreeReplicaAppCollection : ICollectionFixture<ThreeReplicaApp>
{
    public const string Name = "The AppHost with three HelloService replicas";
}
