namespace RetryDemo.HelloService.Faults.State;

internal static partial class FaultStateLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "The store cannot be read ({Error}): requests that need nothing from it are answered with the operator's outage and fail-next off until it can")]
    public static partial void StateUnread(ILogger logger, string error);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "The store can be read again: the operator's outage and fail-next apply again")]
    public static partial void StateReadAgain(ILogger logger);
}
