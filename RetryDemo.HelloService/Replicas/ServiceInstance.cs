using System.Security.Cryptography;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace RetryDemo.HelloService.Replicas;

/// <summary>
/// Names the process that answered, so replicas can be told apart in replies and logs: the configured
/// <c>ServiceInstance</c>, else OpenTelemetry's <c>service.instance.id</c> (under Aspire, the replica's
/// own id, as its telemetry carries it), else machine and process id. Outside Development the name is
/// replaced by an opaque id: an HMAC of it under a key drawn at random when the process starts, so still
/// one per replica (per process), but nothing a stranger can turn back into a host name or process id,
/// as they could a plain hash by trying the few million process ids.
/// </summary>
public sealed class ServiceInstance(IConfiguration configuration, IHostEnvironment environment, TracerProvider? tracing = null)
{
    public string Name { get; } = environment.IsDevelopment() ? Describe(configuration, tracing) : Opaque(Describe(configuration, tracing));

    private static string Describe(IConfiguration configuration, TracerProvider? tracing) =>
        configuration["ServiceInstance"] is { Length: > 0 } name ? name
        : tracing?.GetResource().Attributes.FirstOrDefault(a => a.Key == "service.instance.id").Value is string { Length: > 0 } id ? id
        : $"{Environment.MachineName}-{Environment.ProcessId}";

    private static string Opaque(string name) =>
        "replica-" + Convert.ToHexStringLower(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.UTF8.GetBytes(name)))[..12];
}
