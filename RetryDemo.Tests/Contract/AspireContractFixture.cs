using RetryDemo.Tests.Infrastructure;
using RetryDemo.Tests.Telemetry;

namespace RetryDemo.Tests.Contract;

/// <summary>
/// HelloService and ClientService as separate processes with exactly the environment the AppHost
/// gives them in run mode (see RetryDemo.AppHost/AppHost.cs and Aspire's OTLP and service-discovery
/// wiring), exporting over OTLP/gRPC to a real receiver instead of the dashboard.
/// </summary>
public class AspireContractFixture : IAsyncLifetime
{
    /// <summary>OTEL_EXPORTER_OTLP_PROTOCOL: Aspire's default is grpc; http/protobuf is the other one it supports.</summary>
    protected virtual string OtlpProtocol => "grpc";

    public const string FaultControlKey = "contract-test-key-0123456789abcdef";

    public OtlpReceiver Otlp { get; private set; } = null!;

    public ServiceProcess Hello { get; private set; } = null!;

    public ServiceProcess Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Otlp = await OtlpReceiver.StartAsync();

        Hello = await ServiceProcess.StartAsync("RetryDemo.HelloService", new Dictionary<string, string>(Common("hello", "a1b2c3d4"))
        {
            // AppHost.cs: parameters and the fault-control key.
            ["Faults__FailFirstAttempts"] = "0",
            ["Faults__FailureRate"] = "0",
            ["Faults__FailureStatusCode"] = "503",
            ["Faults__LatencyMs"] = "0",
            ["FaultControl__Enabled"] = "true",
            ["FaultControl__Key"] = FaultControlKey,
        });

        var hello = Hello.Address.ToString().TrimEnd('/');
        Client = await ServiceProcess.StartAsync("RetryDemo.ClientService", new Dictionary<string, string>(Common("client", "e5f6a7b8"))
        {
            // WithReference(hello): both spellings Aspire 13 injects.
            ["services__hello__http__0"] = hello,
            ["HELLO_HTTP"] = hello,
            ["HelloClient__FaultControlKey"] = FaultControlKey,
        });
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Hello.DisposeAsync();
        await Otlp.DisposeAsync();
    }

    private Dictionary<string, string> Common(string resourceName, string instanceId) => new()
    {
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["OTEL_SERVICE_NAME"] = resourceName,
        ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceId}",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.EndpointFor(OtlpProtocol).ToString(),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = OtlpProtocol,
        ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["OTEL_TRACES_SAMPLER"] = "always_on",
        ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
    };
}
