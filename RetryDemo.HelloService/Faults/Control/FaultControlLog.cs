using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.HelloService.Faults.Control;

internal static partial class FaultControlLog
{
    // Debug: a stranger's refused requests must not cost more log than they cost to answer.
    [LoggerMessage(2301, LogLevel.Debug, "Fault control {Action} refused: {Reason} (from {RemoteAddress})")]
    public static partial void ControlRefused(ILogger logger, string action, string reason, System.Net.IPAddress? remoteAddress);

    [LoggerMessage(2302, LogLevel.Information, "Fault control {Action} applied: {State}")]
    public static partial void ControlApplied(ILogger logger, string action, FaultStateSnapshot state);
}
