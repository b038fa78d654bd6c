namespace RetryDemo.ClientService.Faults;

internal static partial class FaultForwardingLog
{
    // Debug: a stranger's refused requests must not cost more log than they cost to answer.
    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Refused {Count} fault parameters from a caller without the fault-control key")]
    public static partial void Refused(ILogger logger, int count);
}
