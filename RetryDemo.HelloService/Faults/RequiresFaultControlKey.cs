namespace RetryDemo.HelloService.Faults;

/// <summary>Endpoint metadata: an operator endpoint behind the fault-control key.</summary>
public sealed class RequiresFaultControlKey
{
    public static readonly RequiresFaultControlKey Instance = new();
}
