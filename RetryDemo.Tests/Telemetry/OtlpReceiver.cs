using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RetryDemo.Tests.Telemetry;

/// <summary>
/// A real OTLP/gRPC receiver on loopback (HTTP/2 without TLS, as the Aspire dashboard's OTLP endpoint
/// is reached in run mode): services export to it exactly as they would to the dashboard.
/// Answers each Export with an empty success and keeps the raw requests for the tests to decode.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<byte[]> Traces { get; } = new();

    public ConcurrentQueue<byte[]> Logs { get; } = new();

    public ConcurrentQueue<byte[]> Metrics { get; } = new();

    /// <summary>The OTLP/gRPC endpoint (HTTP/2 without TLS).</summary>
    public Uri Endpoint => new(Addresses[0]);

    /// <summary>The OTLP/HTTP (http/protobuf) endpoint.</summary>
    public Uri HttpEndpoint => new(Addresses[1]);

    public Uri EndpointFor(string protocol) => protocol == "grpc" ? Endpoint : HttpEndpoint;

    private string[] Addresses => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];

    public IEnumerable<OtlpSpan> Spans => Traces.ToArray().SelectMany(OtlpModel.Spans);

    public IEnumerable<OtlpLogRecord> LogRecords => Logs.ToArray().SelectMany(OtlpModel.LogRecords);

    public IEnumerable<OtlpDataPoint> DataPoints => Metrics.ToArray().SelectMany(OtlpModel.DataPoints);

    /// <summary>Listens on two free loopback ports: OTLP/gRPC (HTTP/2) and OTLP/HTTP.</summary>
    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);

        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.ExportAsync(context, receiver.Traces));
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", context => receiver.ExportAsync(context, receiver.Logs));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => receiver.ExportAsync(context, receiver.Metrics));
        app.MapPost("/v1/traces", context => receiver.ExportHttpAsync(context, receiver.Traces));
        app.MapPost("/v1/logs", context => receiver.ExportHttpAsync(context, receiver.Logs));
        app.MapPost("/v1/metrics", context => receiver.ExportHttpAsync(context, receiver.Metrics));

        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds over what has arrived.</summary>
    public async Task<T> WaitForAsync<T>(Func<OtlpReceiver, T?> condition, string what, TimeSpan? timeout = null) where T : class
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (condition(this) is { } result)
            {
                return result;
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // What did arrive says which exporter went quiet.
                var received = string.Join("; ", LogRecords.GroupBy(r => r.ServiceName).Select(g => $"{g.Key}: {g.Count()} log records, the last '{g.Last().Body}'"));
                throw new TimeoutException($"Timed out waiting for {what}. Received {Spans.Count()} spans; {received}.");
            }
        }
    }

    private readonly SemaphoreSlim _arrived = new(0);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ExportHttpAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        into.Enqueue(body.ToArray());
        _arrived.Release();
        context.Response.ContentType = "application/x-protobuf";
    }

    // gRPC framing: 1 byte "compressed" flag, 4 bytes big-endian length, then the protobuf message.
    private async Task ExportAsync(HttpContext context, ConcurrentQueue<byte[]> into)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        if (bytes.Length >= 5 && bytes[0] == 0)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4));
            into.Enqueue(bytes.AsSpan(5, length).ToArray());
            _arrived.Release();
        }

        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
