namespace RetryDemo.HelloService.Store;

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "No ConnectionStrings:store: HelloService keeps greetings, idempotency keys, attempt counts and fault state in this process. That is right for one instance only; replicas need the shared store.")]
    public static partial void InProcessState(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "The store could not answer {Method} {Path} ({Error}); answered 503")]
    public static partial void Unavailable(ILogger logger, string method, string path, string error);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "A claim could not be released while the store is failing; its lease frees the key")]
    public static partial void ClaimLeftToExpire(ILogger logger);
}
