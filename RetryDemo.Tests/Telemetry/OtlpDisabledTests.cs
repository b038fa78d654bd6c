using System.Net;
using RetryDemo.Benchmarks.Processes;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// Without OTEL_EXPORTER_OTLP_ENDPOINT no exporter exists: nothing is sent, even at shutdown. Process
/// level on purpose: the AppHost always sets an endpoint, so only a standalone run can show this, and
/// only a process of its own can be stopped with SIGTERM to prove the flush at shutdown.
/// </summary>
[Trait("Category", "Component")]
public sealed class OtlpDisabledTests
{
    [Fact]
    public async Task Service_WithoutExporterEndpoint_SendsNothingEvenWhenFlushedAtShutdown()
    {
        // An exporter with no endpoint would send to the OTLP default, localhost:4317.
        await using var defaultEndpoint = await OtlpReceiver.StartAsync(port: 4317);
        var hello = await ServiceProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, "RetryDemo.HelloService", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = "hello",
        }, TestContext.Current.CancellationToken);
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello", TestContext.Current.CancellationToken)).StatusCode);

            Assert.Equal(0, await hello.StopGracefullyAsync());
        }

        Assert.Empty(defaultEndpoint.Traces);
        Assert.Empty(defaultEndpoint.Logs);
        Assert.Empty(defaultEndpoint.Metrics);
    }

    [Fact]
    public async Task Service_WithExporterEndpoint_FlushesAtShutdown()
    {
        // The control for the test above: the same stop does deliver when an exporter exists.
        await using var receiver = await OtlpReceiver.StartAsync();
        var hello = await ServiceProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, "RetryDemo.HelloService", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = "hello",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "60000",
        }, TestContext.Current.CancellationToken);
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello", TestContext.Current.CancellationToken)).StatusCode);

            Assert.Equal(0, await hello.StopGracefullyAsync());
        }

        Assert.Contains(receiver.Spans, s => s.ServiceName == "hello" && s.Name.Contains("/hello"));
    }
}
