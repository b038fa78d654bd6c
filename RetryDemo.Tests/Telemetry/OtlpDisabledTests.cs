using System.Net;
using RetryDemo.Processes;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// Without OTEL_EXPORTER_OTLP_ENDPOINT no exporter exists: nothing is sent, even at shutdown, over either
/// OTLP protocol. Process level on purpose: the AppHost always sets an endpoint, so only a standalone run
/// can show this, and only a process of its own can be stopped with SIGTERM to prove the flush at shutdown.
/// </summary>
[Trait("Category", "Component")]
public sealed class OtlpDisabledTests
{
    /// <param name="protocol">gRPC (the default; port 4317 unless told) or HTTP/protobuf (4318 unless told).</param>
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Service_WithoutExporterEndpoint_SendsNothingEvenWhenFlushedAtShutdown(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var hello = await ServiceProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, "RetryDemo.HelloService", WouldExportTo(receiver, protocol), TestContext.Current.CancellationToken);
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello", TestContext.Current.CancellationToken)).StatusCode);
            // Ten export intervals: an exporter would have sent by now (the control below sees it within one),
            // and the stop then flushes whatever is left.
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

            Assert.Equal(0, await hello.StopGracefullyAsync());
        }

        Assert.True(receiver.Traces.IsEmpty && receiver.Logs.IsEmpty && receiver.Metrics.IsEmpty,
            $"Without OTEL_EXPORTER_OTLP_ENDPOINT HelloService still exported over {protocol}: {receiver.Spans.Count()} spans " +
            $"({string.Join(", ", receiver.Spans.Select(s => s.Name).Distinct().Take(3))}), {receiver.LogRecords.Count()} log records, {receiver.DataPoints.Count()} metric points.");
    }

    /// <summary>The control for the test above: the same environment plus the endpoint does reach the same receiver.</summary>
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Service_WithExporterEndpoint_SendsWhereTheTestAboveWatches(string protocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var hello = await ServiceProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, "RetryDemo.HelloService", new Dictionary<string, string>(WouldExportTo(receiver, protocol))
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.EndpointFor(protocol).ToString(),
        }, TestContext.Current.CancellationToken);
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello", TestContext.Current.CancellationToken)).StatusCode);

            await receiver.WaitForAsync(r => r.Spans.FirstOrDefault(s => s.ServiceName == "hello" && s.Name.Contains("/hello")), "HelloService's GET /hello span");
            Assert.NotEmpty(receiver.Metrics);
        }
    }

    [Fact]
    public async Task Service_WithExporterEndpoint_FlushesAtShutdown()
    {
        // The same stop does deliver when an exporter exists: a batch held for a minute arrives at SIGTERM.
        await using var receiver = await OtlpReceiver.StartAsync();
        var hello = await ServiceProcess.StartAsync(RepositoryPaths.Root, RepositoryPaths.Configuration, "RetryDemo.HelloService", new Dictionary<string, string>(ServiceEnvironment)
        {
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

    private static readonly Dictionary<string, string> ServiceEnvironment = new()
    {
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["OTEL_SERVICE_NAME"] = "hello",
    };

    /// <summary>
    /// Where an exporter would send, if one existed: the per-signal endpoints, at a receiver of this test's
    /// own on free ports rather than the well-known 4317/4318 that a local collector may hold, every 100 ms.
    /// Only OTEL_EXPORTER_OTLP_ENDPOINT makes ServiceDefaults add an exporter, and this leaves it unset.
    /// </summary>
    private static Dictionary<string, string> WouldExportTo(OtlpReceiver receiver, string protocol) => new(ServiceEnvironment)
    {
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = SignalEndpoint(receiver, protocol, "traces"),
        ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = SignalEndpoint(receiver, protocol, "logs"),
        ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = SignalEndpoint(receiver, protocol, "metrics"),
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
    };

    /// <summary>A per-signal endpoint is used as given: gRPC's is the server's address, HTTP's the full path.</summary>
    private static string SignalEndpoint(OtlpReceiver receiver, string protocol, string signal) =>
        protocol == "grpc" ? receiver.Endpoint.ToString() : new Uri(receiver.HttpEndpoint, $"/v1/{signal}").ToString();
}
