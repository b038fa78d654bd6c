using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults;

internal static partial class FaultLog
{
    [LoggerMessage(1, LogLevel.Warning, "Injected {Fault} fault: {Outcome} for attempt {Attempt} of request {" + LogTags.RequestId + "}")]
    public static partial void FaultInjected(ILogger logger, string fault, string outcome, int? attempt, [TagName(LogTags.RequestId)] string? requestId);

    [LoggerMessage(2, LogLevel.Warning, "Fault control {Action} refused: {Reason} (from {RemoteAddress})")]
    public static partial void ControlRefused(ILogger logger, string action, string reason, string? remoteAddress);

    [LoggerMessage(3, LogLevel.Information, "Fault control {Action} applied: {State}")]
    public static partial void ControlApplied(ILogger logger, string action, FaultStateSnapshot state);

    [LoggerMessage(5, LogLevel.Warning, "Injected {Fault} fault after committing greeting {GreetingId} for key {IdempotencyKey}")]
    public static partial void CommitFaultInjected(ILogger logger, string fault, string greetingId, string? idempotencyKey);

    [LoggerMessage(4, LogLevel.Error, "Reloaded fault profile is invalid and was ignored; the last valid profile stays in force: {Reason}")]
    public static partial void InvalidProfileIgnored(ILogger logger, string reason);
}
