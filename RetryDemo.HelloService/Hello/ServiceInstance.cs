namespace RetryDemo.HelloService.Hello;

/// <summary>Names the process that answered, so replicas can be told apart in replies and logs.</summary>
public sealed class ServiceInstance(IConfiguration configuration)
{
    public string Name { get; } = configuration["ServiceInstance"] is { Length: > 0 } name
        ? name
        : $"{Environment.MachineName}-{Environment.ProcessId}";
}
