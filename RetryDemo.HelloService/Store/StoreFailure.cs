using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// The store did not give an answer: down, restarting, slower than its timeout, or refusing the command.
/// Every one is the same to a caller — the outcome is unknown, retry — so none becomes a bare 500.
/// </summary>
public static class StoreFailure
{
    // RedisTimeoutException is a TimeoutException, not a RedisException: a slow store is a failure too.
    public static bool Is(Exception exception) => exception is RedisException or RedisTimeoutException;

    /// <summary>
    /// Also a cancellation the caller did not ask for: the store client cancels what is in flight when it
    /// drops a dead connection.
    /// </summary>
    public static bool Is(Exception exception, CancellationToken callerGaveUp) =>
        Is(exception) || exception is OperationCanceledException && !callerGaveUp.IsCancellationRequested;
}
