namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// The AppHost with three HelloService replicas, for the tests that crash or stall the store's process: an
/// app of their own, shared by them (one after another), each starting once the store is healthy.
/// </summary>
public sealed class StoreCrashApp : IAsyncLifetime
{
    public RetryDemoApp Running { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Running = await RetryDemoApp.StartAsync(args: "Parameters:hello-replicas=3");
        await ReplicaTests.WarmUpAsync(Running);
    }

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();
}
