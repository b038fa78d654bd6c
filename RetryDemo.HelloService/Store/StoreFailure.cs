using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>The store could not answer: down, restarting, or slower than its timeout.</summary>
public static class StoreFailure
{
    public static bool Is(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException
        || exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal);
}
