namespace RetryDemo.Store.Garnet;

internal static partial class GarnetLog
{
    [LoggerMessage(1, LogLevel.Information, "Garnet listening on {Bind}:{Port}, data in {DataDirectory}")]
    public static partial void Started(ILogger logger, string bind, int port, string dataDirectory);

    [LoggerMessage(2, LogLevel.Information, "Garnet's append-only file committed; stopping")]
    public static partial void Stopped(ILogger logger);
}
