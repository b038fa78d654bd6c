namespace RetryDemo.HelloService.Faults;

/// <summary>Endpoint metadata: the fault filter reads the per-request <c>X-Fault-*</c> headers here.</summary>
public sealed class AcceptsFaultHeaders
{
    public static readonly AcceptsFaultHeaders Instance = new();
}
