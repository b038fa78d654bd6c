using OpenTelemetry;
using OpenTelemetry.Trace;

namespace RetryDemo.HelloService.Hello;

/// <summary>
/// Names the process that answered, so replicas can be told apart in replies and logs: the configured
/// <c>ServiceInstance</c>, else OpenTelemetry's <c>service.instance.id</c> (under Aspire, the replica's
/// own id, as its telemetry carries it), else machine and process id.
/// </summary>
public sealed class ServiceInstance(IConfiguration configuration, TracerProvider? tracing = null)
{
    public string Name { get; } = configuration["ServiceInstance"] is { Length: > 0 } name ? name
        : tracing?.GetResource().Attributes.FirstOrDefault(a => a.Key == "service.instance.id").Value is string { Length: > 0 } id ? id
        : $"{Environment.MachineName}-{Environment.ProcessId}";
}
