namespace RetryDemo.HelloService.Faults.State;

internal static partial class FaultStateLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "The store cannot be read ({Error}): requests that need nothing from it are answered with the operator's outage and fail-next off until it can")]
    public static partial void StateUnread(ILogger logger, string error);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "The store can be read again: the operator's outage and fail-next apply again")]
    public static partial void StateReadAgain(ILogger logger);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "A change to the operator's switches was heard by {Heard} of the {Told} subscriptions the store told it to; a replica that did not hear it answers from what it held for at most half a second")]
    public static partial void ChangeNotHeardByAll(ILogger logger, long heard, long told);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Debug, Message = "Hearing every change to the operator's switches: the common attempt is answered from what this replica read until one is heard")]
    public static partial void HearingChanges(ILogger logger);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Debug, Message = "A change to the operator's switches was heard by all {Told} subscriptions the store told it to")]
    public static partial void ChangeHeardByAll(ILogger logger, long told);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning, Message = "A change to the operator's switches is written but could not be announced ({Error}); replicas answer from what they held for at most half a second")]
    public static partial void ChangeNotAnnounced(ILogger logger, string error);
}
