namespace RetryDemo.Store.Garnet;

internal static partial class GarnetLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Garnet listening on {Bind}:{Port}, data in {DataDirectory}; warmed up in {WarmUpMs:F0} ms")]
    public static partial void Started(ILogger logger, string bind, int port, string dataDirectory, double warmUpMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Garnet's append-only file committed; stopping")]
    public static partial void Stopped(ILogger logger);
}
