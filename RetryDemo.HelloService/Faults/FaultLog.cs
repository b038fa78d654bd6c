using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults;

internal static partial class FaultLog
{
    [LoggerMessage(1, LogLevel.Warning, "Injected {Fault} fault: {Outcome} for attempt {Attempt} of request {" + LogTags.RequestId + "}")]
    public static partial void FaultInjected(ILogger logger, string fault, string outcome, int? attempt, [TagName(LogTags.RequestId)] string? requestId);

    // Debug: a stranger's refused requests must not cost more log than they cost to answer.
    [LoggerMessage(2, LogLevel.Debug, "Fault control {Action} refused: {Reason} (from {RemoteAddress})")]
    public static partial void ControlRefused(ILogger logger, string action, string reason, System.Net.IPAddress? remoteAddress);

    [LoggerMessage(3, LogLevel.Information, "Fault control {Action} applied: {State}")]
    public static partial void ControlApplied(ILogger logger, string action, FaultStateSnapshot state);

    [LoggerMessage(5, LogLevel.Warning, "Injected {Fault} fault after committing greeting {GreetingId} for key {IdempotencyKey}")]
    public static partial void CommitFaultInjected(ILogger logger, string fault, string greetingId, string? idempotencyKey);

    [LoggerMessage(6, LogLevel.Debug, "Ignored a malformed " + WireHeaders.RequestId + " header; the request is served without one")]
    public static partial void RequestIdIgnored(ILogger logger);

    [LoggerMessage(7, LogLevel.Warning, "The store cannot be read ({Error}): requests that need nothing from it are answered with the operator's outage and fail-next off until it can")]
    public static partial void StateUnread(ILogger logger, string error);

    [LoggerMessage(8, LogLevel.Information, "The store can be read again: the operator's outage and fail-next apply again")]
    public static partial void StateReadAgain(ILogger logger);
}
