using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.HelloService.Faults.Control;

internal static partial class FaultControlLog
{
    // Debug: a stranger's refused requests must not cost more log than they cost to answer.
    [LoggerMessage(EventId = 2301, Level = LogLevel.Debug, Message = "Fault control {Action} refused: {Reason} (from {RemoteAddress})")]
    public static partial void ControlRefused(ILogger logger, string action, string reason, System.Net.IPAddress? remoteAddress);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Fault control {Action} applied: {State}")]
    public static partial void ControlApplied(ILogger logger, string action, FaultStateSnapshot state);
}
