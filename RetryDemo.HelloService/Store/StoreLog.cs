namespace RetryDemo.HelloService.Store;

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "No ConnectionStrings:store: HelloService keeps greetings, idempotency keys, attempt counts and fault state in this process. That is right for one instance only; replicas need the shared store.")]
    public static partial void InProcessState(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "The store could not answer {Method} {Path} ({Error}); answered 503")]
    public static partial void Unavailable(ILogger logger, string method, string path, string error);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "A claim could not be released while the store is failing; its lease frees the key")]
    public static partial void ClaimLeftToExpire(ILogger logger);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Connected to the store after {WaitedMs:F0} ms; starting")]
    public static partial void ConnectedAtStart(ILogger logger, double waitedMs);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Not connected to the store after {Seconds} s; starting without it (what needs the store answers 503 until it connects)")]
    public static partial void NotConnectedAtStart(ILogger logger, double seconds);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "A greeting was written, but eviction could not finish ({Error}); the next write evicts what is due")]
    public static partial void EvictionPutOff(ILogger logger, string error);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Removed an older HelloService's layout from the store: {Buckets} index buckets, its count and its fault-state hash")]
    public static partial void OlderLayoutRemoved(ILogger logger, int buckets);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "Could not look for an older HelloService's layout in the store ({Error}); the next start looks again")]
    public static partial void OlderLayoutNotChecked(ILogger logger, string error);
}
