namespace RetryDemo.Contracts;

/// <summary>
/// Log attribute names both services use for what they share. The call's id gets its own name: ASP.NET
/// Core's request scope already carries a <c>RequestId</c> (its own id), and OTLP allows a key once.
/// </summary>
public static class LogTags
{
    /// <summary>The logical call's id (<see cref="WireHeaders.RequestId"/>).</summary>
    public const string RequestId = "retrydemo.request_id";
}
