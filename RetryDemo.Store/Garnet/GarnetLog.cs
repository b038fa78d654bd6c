namespace RetryDemo.Store.Garnet;

internal static partial class GarnetLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Garnet listening on {Bind}:{Port}, data in {DataDirectory}")]
    public static partial void Started(ILogger logger, string bind, int port, string dataDirectory);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Garnet's append-only file committed; stopping")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Garnet warmed up in {WarmUpMs:F0} ms (a script and each data type once)")]
    public static partial void WarmedUp(ILogger logger, double warmUpMs);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Garnet's {Step} at start failed or timed out ({Error}); starting without waiting for it")]
    public static partial void HeadStartFailed(ILogger logger, string step, string error);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Garnet took its first checkpoint at start in {CheckpointMs:F0} ms")]
    public static partial void FirstCheckpointTaken(ILogger logger, double checkpointMs);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Critical, Message = "Garnet did not start ({Error}). If its log above reports a recovery error, the data in {DataDirectory} is as recovery left it: copy it before anything else, then repair it or move it aside to start empty")]
    public static partial void NotStarted(ILogger logger, string error, string dataDirectory);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Garnet answered the first checkpoint at start in {CheckpointMs:F0} ms but wrote none (its log above says why); the first under load will be a full one")]
    public static partial void FirstCheckpointNotWritten(ILogger logger, double checkpointMs);
}
