using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults.Injection;

internal static partial class FaultInjectionLog
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Injected {Fault} fault: {Outcome} for attempt {Attempt} of request {" + LogTags.RequestId + "}")]
    public static partial void FaultInjected(ILogger logger, string fault, string outcome, int? attempt, [TagName(LogTags.RequestId)] string? requestId);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Information, Message = "Injected slow fault: {DelayMs} ms more for attempt {Attempt} of request {" + LogTags.RequestId + "}")]
    public static partial void SlowAttempt(ILogger logger, double delayMs, int? attempt, [TagName(LogTags.RequestId)] string? requestId);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "Ignored a malformed " + WireHeaders.RequestId + " header; the request is served without one")]
    public static partial void RequestIdIgnored(ILogger logger);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Injected {Fault} fault after committing greeting {GreetingId} for key {IdempotencyKey}")]
    public static partial void CommitFaultInjected(ILogger logger, string fault, string greetingId, string? idempotencyKey);
}
