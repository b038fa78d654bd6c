using System.Net;
using RetryDemo.Contracts;
using RetryDemo.Tests.AspireHosting;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// What the dashboard receives for the seed scenario, with the services started by the real AppHost and
/// Aspire's own OTLP wiring pointed at a receiver in the test, decoded as it crossed the wire: one trace,
/// per-attempt spans and logs, the attempts histogram and Polly's retry events. An app of its own, so
/// the seed request is the only call of its kind (the fixture's warm-up calls take other routes).
/// </summary>
public abstract class OtlpExportTests
{
    private readonly App app;

    protected OtlpExportTests(App app) => (this.app = app).Running.AttachToCurrentTest();

    [Fact]
    public async Task SeedScenario_ExportsOneTraceWithEveryAttemptInLogsSpansAndMetrics()
    {
        using var client = app.Running.CreateHttpClient("client");
        (await client.GetAsync("/hello?failFirst=2&failStatus=500", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var otlp = app.Running.Otlp;

        // Traces: three client spans (attempts 1, 2, 3 → 500, 500, 200) in the seed call's trace, each the
        // parent of a HelloService server span. The trace is the one whose inbound span is GET /hello (the
        // fixture's warm-up calls are not).
        var attempts = await otlp.WaitForAsync(
            o => o.Spans.FirstOrDefault(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ServerKind && s.Name.Contains("/hello")) is { } seed
                && o.Spans.Where(s => s.ServiceName == "client" && s.Kind == OtlpSpan.ClientKind && s.TraceId == seed.TraceId).ToList() is { Count: >= 3 } spans
                && o.Spans.Count(s => s.ServiceName == "hello" && s.Kind == OtlpSpan.ServerKind && s.TraceId == seed.TraceId) >= 3 ? spans : null,
            "the inbound GET /hello span, three client spans and three HelloService server spans in its trace (they arrive in separate batches)");
        var traceId = Assert.Single(attempts.Select(s => s.TraceId).Distinct());
        Assert.Equal(["1", "2", "3"], attempts.Select(s => s.Attributes["retrydemo.attempt"]).Order());
        Assert.Equal(["500", "500", "200"], attempts.OrderBy(s => s.Attributes["retrydemo.attempt"]).Select(s => s.Attributes["http.response.status_code"]));
        var helloSpans = otlp.Spans.Where(s => s.ServiceName == "hello" && s.Kind == OtlpSpan.ServerKind && s.TraceId == traceId).ToList();
        Assert.Equal(attempts.Select(s => s.SpanId).Order(), helloSpans.Select(s => s.ParentSpanId).Order());

        var inbound = Assert.Single(otlp.Spans, s => s.ServiceName == "client" && s.Kind == OtlpSpan.ServerKind && s.TraceId == traceId);
        Assert.All(attempts, s => Assert.Equal(inbound.SpanId, s.ParentSpanId));
        Assert.Equal(2, inbound.Events.Count(e => e == "retrydemo.retry"));

        // Resource: the service name and instance id Aspire gave each process.
        Assert.All(attempts, s => Assert.Equal(app.InstanceId("client"), s.Resource["service.instance.id"]));
        Assert.All(helloSpans, s => Assert.Equal(app.InstanceId("hello"), s.Resource["service.instance.id"]));

        // Logs: one record per attempt, in the same trace, carrying the attempt number.
        var attemptLogs = await otlp.WaitForAsync(
            o => o.LogRecords.Where(r => r.ServiceName == "client" && r.Attributes.ContainsKey("AttemptNumber") && r.TraceId == traceId).ToList() is { Count: >= 3 } logs ? logs : null,
            "per-attempt log records");
        Assert.All(attemptLogs, r => Assert.Equal(traceId, r.TraceId));
        Assert.Equal(["1", "2", "3"], attemptLogs.Select(r => r.Attributes["AttemptNumber"]).Order());

        // One key per meaning: the call's id under its own name, beside ASP.NET Core's RequestId, and no
        // record of either service repeats a key (OTLP allows each once).
        var callId = Assert.Single(attemptLogs.Select(r => r.Attributes[LogTags.RequestId]).Distinct());
        Assert.Matches("^[0-9a-f]{32}$", callId);
        var injected = await otlp.WaitForAsync(
            o => o.LogRecords.Where(r => r.ServiceName == "hello" && r.Body.StartsWith("Injected", StringComparison.Ordinal)).ToList() is { Count: >= 2 } logs ? logs : null,
            "HelloService's injected-fault log records");
        Assert.All(injected, r => Assert.Equal(callId, r.Attributes[LogTags.RequestId]));
        Assert.All(otlp.LogRecords, r => Assert.True(r.AttributeKeys.Distinct().Count() == r.AttributeKeys.Count,
            $"{r.ServiceName} log '{r.Body}' repeats a key: {string.Join(", ", r.AttributeKeys)}"));

        // Metrics (cumulative, exported every second under Aspire in Development): the call took 3
        // attempts; Polly retried twice.
        var histogram = await otlp.WaitForAsync(
            o => o.DataPoints.LastOrDefault(p => p.ServiceName == "client" && p.Name == "retrydemo.hello.call.attempts" && p.Attributes.GetValueOrDefault("retrydemo.outcome") == "success"),
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

    public abstract class App(string protocol) : IAsyncLifetime
    {
        public RetryDemoApp Running { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Running = await RetryDemoApp.StartAsync(protocol);

            // The cold paths (JIT, service discovery, first connections, the store's first commands) run
            // here, so a loaded machine doesn't time the watched call's first attempt out. Neither call is
            // a GET /hello through ClientService, which is how the test finds the seed call's trace.
            using var hello = Running.CreateHttpClient("hello");
            (await hello.GetAsync("/hello", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            using var client = Running.CreateHttpClient("client");
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/greetings/0123456789abcdef0123456789abcdef", TestContext.Current.CancellationToken)).StatusCode);
        }

        public async ValueTask DisposeAsync() => await Running.DisposeAsync();

        public string InstanceId(string resource) => ServiceDiscoveryTests.ServiceInstanceId(Assert.Single(Running.Instances(resource)));
    }
}

/// <summary>Over OTLP/gRPC, Aspire's default.</summary>
[Trait("Category", "App")]
public sealed class OtlpGrpcExportTests(OtlpGrpcExportTests.GrpcApp app) : OtlpExportTests(app), IClassFixture<OtlpGrpcExportTests.GrpcApp>
{
    public sealed class GrpcApp() : App("grpc");
}

/// <summary>Over OTLP/HTTP (http/protobuf), which Aspire picks for a resource that requires it.</summary>
[Trait("Category", "App")]
public sealed class OtlpHttpExportTests(OtlpHttpExportTests.HttpProtobufApp app) : OtlpExportTests(app), IClassFixture<OtlpHttpExportTests.HttpProtobufApp>
{
    public sealed class HttpProtobufApp() : App("http/protobuf");
}
