using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Replicas;

namespace RetryDemo.Tests.HelloService.Replicas;

[Trait("Category", "Component")]
public class ServiceInstanceTests
{
    [Fact]
    public async Task Name_OutsideDevelopment_IsOpaque()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?> { ["ServiceInstance"] = $"{Environment.MachineName}-{Environment.ProcessId}" },
            environment: "Production");
        using var http = hello.CreatePlainClient();

        var instance = (await http.GetFromJsonAsync<JsonElement>("/hello", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("instance").GetString()!;

        Assert.Matches("^replica-[0-9a-f]{12}$", instance);
        // Not a plain hash of the name, which anyone could recompute from a guessed host name and process id.
        var plain = "replica-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Environment.MachineName}-{Environment.ProcessId}")))[..12];
        Assert.NotEqual(plain, instance);
        // One per replica: the same on every answer.
        Assert.Equal(instance, (await http.GetFromJsonAsync<JsonElement>("/hello", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Name_InDevelopment_IsTheReplicaName()
    {
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?> { ["ServiceInstance"] = "hello-replica-a" });
        using var http = hello.CreatePlainClient();

        var instance = (await http.GetFromJsonAsync<JsonElement>("/hello", cancellationToken: TestContext.Current.CancellationToken)).GetProperty("instance").GetString();

        Assert.Equal("hello-replica-a", instance);
    }
}
