namespace RetryDemo.Tests.Telemetry;

/// <summary>The parts of OTLP (opentelemetry-proto v1) the tests look at, decoded from the wire.</summary>
public static class OtlpModel
{
    public static IEnumerable<OtlpSpan> Spans(byte[] exportTraceServiceRequest)
    {
        foreach (var resourceSpans in Children(exportTraceServiceRequest, 1))
        {
            var resource = ResourceAttributes(resourceSpans);
            foreach (var scopeSpans in Children(resourceSpans, 2))
            {
                var scope = Children(scopeSpans, 1).Select(s => Field(s, 1)?.String).FirstOrDefault() ?? "";
                foreach (var span in Children(scopeSpans, 2))
                {
                    var fields = new ProtoReader(span).Fields();
                    yield return new OtlpSpan(
                        resource,
                        scope,
                        fields.First(f => f.Number == 1).Hex,
                        fields.First(f => f.Number == 2).Hex,
                        fields.FirstOrDefault(f => f.Number == 4)?.Hex ?? "",
                        fields.FirstOrDefault(f => f.Number == 5)?.String ?? "",
                        (int)(fields.FirstOrDefault(f => f.Number == 6)?.Scalar ?? 0),
                        Attributes(fields.Where(f => f.Number == 9)),
                        fields.Where(f => f.Number == 11).Select(e => e.Message.FirstOrDefault(f => f.Number == 2)?.String ?? "").ToList(),
                        fields.FirstOrDefault(f => f.Number == 7)?.Scalar ?? 0,
                        fields.FirstOrDefault(f => f.Number == 8)?.Scalar ?? 0);
                }
            }
        }
    }

    public static IEnumerable<OtlpLogRecord> LogRecords(byte[] exportLogsServiceRequest)
    {
        foreach (var resourceLogs in Children(exportLogsServiceRequest, 1))
        {
            var resource = ResourceAttributes(resourceLogs);
            foreach (var scopeLogs in Children(resourceLogs, 2))
            {
                var scope = Children(scopeLogs, 1).Select(s => Field(s, 1)?.String).FirstOrDefault() ?? "";
                foreach (var record in Children(scopeLogs, 2))
                {
                    var fields = new ProtoReader(record).Fields();
                    var body = fields.FirstOrDefault(f => f.Number == 5) is { } b ? AnyValue(b.Bytes) : "";
                    yield return new OtlpLogRecord(
                        resource,
                        scope,
                        (int)(fields.FirstOrDefault(f => f.Number == 2)?.Scalar ?? 0),
                        body,
                        Attributes(fields.Where(f => f.Number == 6)),
                        fields.FirstOrDefault(f => f.Number == 9)?.Hex ?? "",
                        fields.FirstOrDefault(f => f.Number == 10)?.Hex ?? "",
                        [.. fields.Where(f => f.Number == 6).Select(kv => kv.Message.FirstOrDefault(f => f.Number == 1)?.String ?? "")]);
                }
            }
        }
    }

    /// <summary>Every metric data point: (resource, metric name, unit, attributes, value or histogram count/sum).</summary>
    public static IEnumerable<OtlpDataPoint> DataPoints(byte[] exportMetricsServiceRequest)
    {
        foreach (var resourceMetrics in Children(exportMetricsServiceRequest, 1))
        {
            var resource = ResourceAttributes(resourceMetrics);
            foreach (var scopeMetrics in Children(resourceMetrics, 2))
            {
                foreach (var metric in Children(scopeMetrics, 2))
                {
                    var fields = new ProtoReader(metric).Fields();
                    var name = fields.First(f => f.Number == 1).String;
                    var unit = fields.FirstOrDefault(f => f.Number == 3)?.String ?? "";
                    // gauge = 5, sum = 7, histogram = 9; each holds data_points at field 1.
                    foreach (var data in fields.Where(f => f.Number is 5 or 7 or 9))
                    {
                        foreach (var point in data.Message.Where(f => f.Number == 1))
                        {
                            var p = point.Message;
                            var attributes = Attributes(p.Where(f => f.Number == (data.Number == 9 ? 9 : 7)));
                            double value = data.Number == 9
                                ? p.FirstOrDefault(f => f.Number == 4)?.Scalar ?? 0 // histogram count
                                : p.FirstOrDefault(f => f.Number == 6) is { } asInt ? (long)asInt.Scalar : BitConverter.UInt64BitsToDouble(p.FirstOrDefault(f => f.Number == 4)?.Scalar ?? 0);
                            double? sum = data.Number == 9 && p.FirstOrDefault(f => f.Number == 5) is { } s ? BitConverter.UInt64BitsToDouble(s.Scalar) : null;
                            yield return new OtlpDataPoint(resource, name, unit, attributes, value, sum);
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<byte[]> Children(byte[] message, int number) =>
        new ProtoReader(message).Fields().Where(f => f.Number == number).Select(f => f.Bytes).ToList();

    private static ProtoField? Field(byte[] message, int number) =>
        new ProtoReader(message).Fields().FirstOrDefault(f => f.Number == number);

    private static Dictionary<string, string> ResourceAttributes(byte[] resourceX) =>
        Children(resourceX, 1).Select(r => Attributes(new ProtoReader(r).Fields().Where(f => f.Number == 1))).FirstOrDefault() ?? [];

    private static Dictionary<string, string> Attributes(IEnumerable<ProtoField> keyValues)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var kv in keyValues)
        {
            var fields = kv.Message;
            var key = fields.FirstOrDefault(f => f.Number == 1)?.String ?? "";
            attributes[key] = fields.FirstOrDefault(f => f.Number == 2) is { } v ? AnyValue(v.Bytes) : "";
        }

        return attributes;
    }

    // AnyValue: string 1, bool 2, int 3, double 4; other kinds are not needed here.
    private static string AnyValue(byte[] anyValue)
    {
        var field = new ProtoReader(anyValue).Fields().FirstOrDefault();
        return field?.Number switch
        {
            1 => field.String,
            2 => field.Scalar != 0 ? "true" : "false",
            3 => ((long)field.Scalar).ToString(System.Globalization.CultureInfo.InvariantCulture),
            4 => BitConverter.UInt64BitsToDouble(field.Scalar).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        };
    }
}

public sealed record OtlpSpan(
    IReadOnlyDictionary<string, string> Resource, string Scope, string TraceId, string SpanId, string ParentSpanId,
    string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Events, ulong StartUnixNano = 0, ulong EndUnixNano = 0)
{
    public const int ServerKind = 2;
    public const int ClientKind = 3;

    public string ServiceName => Resource.GetValueOrDefault("service.name", "");
}

/// <param name="AttributeKeys">Every attribute key in wire order, repeats included (<see cref="Attributes"/> keeps the last).</param>
public sealed record OtlpLogRecord(
    IReadOnlyDictionary<string, string> Resource, string Scope, int SeverityNumber, string Body,
    IReadOnlyDictionary<string, string> Attributes, string TraceId, string SpanId, IReadOnlyList<string> AttributeKeys)
{
    public string ServiceName => Resource.GetValueOrDefault("service.name", "");
}

public sealed record OtlpDataPoint(
    IReadOnlyDictionary<string, string> Resource, string Name, string Unit, IReadOnlyDictionary<string, string> Attributes, double Value, double? Sum)
{
    public string ServiceName => Resource.GetValueOrDefault("service.name", "");
}
