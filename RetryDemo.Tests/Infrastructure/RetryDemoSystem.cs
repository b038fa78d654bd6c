using Microsoft.Extensions.DependencyInjection;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.HelloService.Replicas;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// HelloService and ClientService as two Kestrel hosts, wired the way an Aspire AppHost wires them:
/// ClientService finds HelloService through <c>services:hello:http:0</c>.
/// </summary>
public sealed class RetryDemoSystem : IAsyncDisposable
{
    public RetryDemoSystem(
        IReadOnlyDictionary<string, string?>? helloSettings = null,
        IReadOnlyDictionary<string, string?>? clientSettings = null,
        Action<IServiceCollection>? configureHello = null,
        string environment = "Development")
    {
        Hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>(helloSettings ?? new Dictionary<string, string?>())
        {
            ["OTEL_SERVICE_NAME"] = "hello",
        }, configureHello, environment);

        var client = new Dictionary<string, string?>(clientSettings ?? new Dictionary<string, string?>())
        {
            ["OTEL_SERVICE_NAME"] = "client",
            ["services:hello:http:0"] = Hello.Address.ToString(),
        };
        Client = new ServiceHost<HelloClient>(client, environment: environment);
    }

    public ServiceHost<ServiceInstance> Hello { get; }

    public ServiceHost<HelloClient> Client { get; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Hello.DisposeAsync();
    }
}
