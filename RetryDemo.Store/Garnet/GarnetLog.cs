namespace RetryDemo.Store.Garnet;

internal static partial class GarnetLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Garnet listening on {Bind}:{Port}, data in {DataDirectory}")]
    public static partial void Started(ILogger logger, string bind, int port, string dataDirectory);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Garnet's append-only file committed; stopping")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Garnet warmed up in {WarmUpMs:F0} ms (a script and each data type once)")]
    public static partial void WarmedUp(ILogger logger, double warmUpMs);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Garnet's warm-up failed ({Error}); starting cold")]
    public static partial void WarmUpFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Garnet took its first checkpoint in {CheckpointMs:F0} ms, before any load")]
    public static partial void FirstCheckpointTaken(ILogger logger, double checkpointMs);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Garnet's first checkpoint failed ({Error}); the first under load will be a full one")]
    public static partial void FirstCheckpointFailed(ILogger logger, string error);
}
