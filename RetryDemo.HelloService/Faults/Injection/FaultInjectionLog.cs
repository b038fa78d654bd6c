using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults.Injection;

internal static partial class FaultInjectionLog
{
    [LoggerMessage(2401, LogLevel.Warning, "Injected {Fault} fault: {Outcome} for attempt {Attempt} of request {" + LogTags.RequestId + "}")]
    public static partial void FaultInjected(ILogger logger, string fault, string outcome, int? attempt, [TagName(LogTags.RequestId)] string? requestId);

    [LoggerMessage(2402, LogLevel.Debug, "Ignored a malformed " + WireHeaders.RequestId + " header; the request is served without one")]
    public static partial void RequestIdIgnored(ILogger logger);

    [LoggerMessage(2403, LogLevel.Warning, "Injected {Fault} fault after committing greeting {GreetingId} for key {IdempotencyKey}")]
    public static partial void CommitFaultInjected(ILogger logger, string fault, string greetingId, string? idempotencyKey);
}
