namespace RetryDemo.ClientService.Faults;

/// <summary>Endpoint metadata: the endpoint reads fault parameters from its query (see <see cref="FaultParametersExtensions"/>).</summary>
public sealed class FaultQueryMetadata
{
    public static readonly FaultQueryMetadata Instance = new();
}
