using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

// xUnit1051 would pick Is(exception, callerGaveUp): that token is the caller's own, not a wait to cancel.
#pragma warning disable xUnit1051
[Trait("Category", "Unit")]
public class StoreFailureTests
{
    [Fact]
    public void Is_StoreTimeout_IsAStoreFailure() =>
        // Not a RedisException: without this, a store slower than its 1 s timeout answered a bare 500.
        Assert.True(StoreFailure.Is(new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent)));

    [Fact]
    public void Is_ConnectionFailure_IsAStoreFailure() =>
        Assert.True(StoreFailure.Is(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down")));

    [Fact]
    public void Is_OtherException_IsNot() =>
        Assert.False(StoreFailure.Is(new InvalidOperationException()));
}
