using System.Security.Cryptography;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace RetryDemo.HelloService.Hello;

/// <summary>
/// Names the process that answered, so replicas can be told apart in replies and logs: the configured
/// <c>ServiceInstance</c>, else OpenTelemetry's <c>service.instance.id</c> (under Aspire, the replica's
/// own id, as its telemetry carries it), else machine and process id. Outside Development the name is
/// replaced by an opaque id derived from it: still one per replica, but no host name or process id
/// for a stranger to read.
/// </summary>
public sealed class ServiceInstance(IConfiguration configuration, IHostEnvironment environment, TracerProvider? tracing = null)
{
    public string Name { get; } = environment.IsDevelopment() ? Describe(configuration, tracing) : Opaque(Describe(configuration, tracing));

    private static string Describe(IConfiguration configuration, TracerProvider? tracing) =>
        configuration["ServiceInstance"] is { Length: > 0 } name ? name
        : tracing?.GetResource().Attributes.FirstOrDefault(a => a.Key == "service.instance.id").Value is string { Length: > 0 } id ? id
        : $"{Environment.MachineName}-{Environment.ProcessId}";

    private static string Opaque(string name) => "replica-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
}
