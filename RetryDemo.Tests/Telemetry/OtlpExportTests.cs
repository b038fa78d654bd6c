using System.Net;
using RetryDemo.Tests.Contract;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// What the dashboard would receive for the seed scenario, decoded from OTLP/gRPC as it crossed the
/// wire: one trace, per-attempt spans and logs, the attempts histogram and Polly's retry events.
/// Fresh processes (a fixture of its own), so the one seed request is the only traffic.
/// </summary>
public class OtlpExportTests(AspireContractFixture system) : IClassFixture<AspireContractFixture>
{
    [Fact]
    public async Task SeedScenario_ExportsOneTraceWithEveryAttemptInLogsSpansAndMetrics()
    {
        using var client = system.Client.CreateClient();
        (await client.GetAsync("/hello?failFirst=2&failStatus=500")).EnsureSuccessStatusCode();
        var otlp = system.Otlp;

        // Traces: three client spans (attempts 1, 2, 3 → 500, 500, 200) in one trace, each the parent
        // of a HelloService server span.
        var attempts = await otlp.WaitForAsync(
            o => o.Spans.Where(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ClientKind).ToList() is { Count: >= 3 } spans
                && o.Spans.Count(s => s.ServiceName == "hello" && s.Kind == OtlpSpan.ServerKind && s.Name.Contains("/hello")) >= 3
                && o.Spans.Any(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ServerKind) ? spans : null,
            "three client spans, three HelloService server spans and the inbound span (they arrive in separate batches)");
        var traceId = Assert.Single(attempts.Select(s => s.TraceId).Distinct());
        Assert.Equal(["1", "2", "3"], attempts.Select(s => s.Attributes["retrydemo.attempt"]).Order());
        Assert.Equal(["500", "500", "200"], attempts.OrderBy(s => s.Attributes["retrydemo.attempt"]).Select(s => s.Attributes["http.response.status_code"]));
        var helloSpans = otlp.Spans.Where(s => s.ServiceName == "hello" && s.Kind == OtlpSpan.ServerKind && s.Name.Contains("/hello")).ToList();
        Assert.All(helloSpans, s => Assert.Equal(traceId, s.TraceId));
        Assert.Equal(attempts.Select(s => s.SpanId).Order(), helloSpans.Select(s => s.ParentSpanId).Order());

        var inbound = Assert.Single(otlp.Spans, s => s.ServiceName == "client" && s.Kind == OtlpSpan.ServerKind && s.TraceId == traceId);
        Assert.All(attempts, s => Assert.Equal(inbound.SpanId, s.ParentSpanId));
        Assert.Equal(2, inbound.Events.Count(e => e == "retrydemo.retry"));

        // Logs: one record per attempt, in the same trace, carrying the attempt number.
        var attemptLogs = await otlp.WaitForAsync(
            o => o.LogRecords.Where(r => r.ServiceName == "client" && r.Attributes.ContainsKey("AttemptNumber")).ToList() is { Count: >= 3 } logs ? logs : null,
            "per-attempt log records");
        Assert.All(attemptLogs, r => Assert.Equal(traceId, r.TraceId));
        Assert.Equal(["1", "2", "3"], attemptLogs.Select(r => r.Attributes["AttemptNumber"]).Order());

        // Metrics (cumulative): the call took 3 attempts; Polly retried twice. A graceful stop flushes
        // the metric reader, so the test need not wait for an export interval.
        Assert.Equal(0, await system.Client.StopGracefullyAsync());
        var histogram = await otlp.WaitForAsync(
            o => o.DataPoints.LastOrDefault(p => p.ServiceName == "client" && p.Name == "retrydemo.hello.call.attempts"),
            "the attempts histogram");
        Assert.Equal(1, histogram.Value);
        Assert.Equal(3, histogram.Sum);
        Assert.Equal("{attempt}", histogram.Unit);
        Assert.Equal("success", histogram.Attributes["retrydemo.outcome"]);

        var retries = await otlp.WaitForAsync(
            o => o.DataPoints.LastOrDefault(p => p.ServiceName == "client" && p.Name == "resilience.polly.strategy.events" && p.Attributes.GetValueOrDefault("event.name") == "OnRetry"),
            "Polly's OnRetry events");
        Assert.Equal(2, retries.Value);
    }
}

/// <summary>The same over OTLP/HTTP (http/protobuf).</summary>
public sealed class OtlpHttpExportTests(OtlpHttpExportTests.HttpProtobufFixture system) : OtlpExportTests(system), IClassFixture<OtlpHttpExportTests.HttpProtobufFixture>
{
    public sealed class HttpProtobufFixture : AspireContractFixture
    {
        protected override string OtlpProtocol => "http/protobuf";
    }
}

/// <summary>Without OTEL_EXPORTER_OTLP_ENDPOINT no exporter exists: nothing is sent, even at shutdown.</summary>
public sealed class OtlpDisabledTests
{
    [Fact]
    public async Task Service_WithoutExporterEndpoint_SendsNothingEvenWhenFlushedAtShutdown()
    {
        // An exporter with no endpoint would send to the OTLP default, localhost:4317.
        await using var defaultEndpoint = await OtlpReceiver.StartAsync(port: 4317);
        var hello = await ServiceProcess.StartAsync("RetryDemo.HelloService", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = "hello",
        });
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello")).StatusCode);

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
        var hello = await ServiceProcess.StartAsync("RetryDemo.HelloService", new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = "hello",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "60000",
        });
        await using (hello)
        {
            using var http = hello.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hello")).StatusCode);

            Assert.Equal(0, await hello.StopGracefullyAsync());
        }

        Assert.Contains(receiver.Spans, s => s.ServiceName == "hello" && s.Name.Contains("/hello"));
    }
}
