namespace RetryDemo.ClientService.Faults;

/// <summary>Who may ask, through ClientService, for faults in HelloService (the <c>FaultForwarding</c> section).</summary>
public sealed class FaultForwardingOptions
{
    public const string SectionName = "FaultForwarding";

    /// <summary>
    /// Forward fault parameters from any caller, keyless, outside Development too: for a public demo
    /// only, where anyone may make HelloService fail. Off by default: then outside Development only a
    /// caller presenting the fault-control key itself gets faults forwarded.
    /// </summary>
    public bool AllowCallersWithoutKey { get; set; }
}
