using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RetryDemo.ClientService.Diagnostics;

/// <summary>
/// ClientService's own ActivitySource and Meter (both named after the application, which
/// ServiceDefaults subscribes to) and the per-call instruments.
/// </summary>
public sealed class ClientTelemetry : IDisposable
{
    public const string Name = "RetryDemo.ClientService";

    private readonly Meter _meter;
    private readonly Histogram<int> _attempts;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _hedges;

    public ClientTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _attempts = _meter.CreateHistogram(
            "retrydemo.hello.call.attempts",
            unit: "{attempt}",
            description: "Attempts made for one logical call to HelloService.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 3, 4, 5, 6, 8, 10] });
        _failures = _meter.CreateCounter<long>(
            "retrydemo.hello.call.failures",
            unit: "{call}",
            description: "Logical calls to HelloService that ended without a greeting, by outcome.");
        _hedges = _meter.CreateCounter<long>(
            "retrydemo.hello.hedges",
            unit: "{attempt}",
            description: "Hedges sent beside a slow or failed attempt to HelloService, by whether theirs was the answer the call returned.");
    }

    public ActivitySource ActivitySource { get; } = new(Name);

    /// <param name="failure">Why the call ended without a greeting, as a metric tag; null when it succeeded.</param>
    public void RecordCall(string? failure, int attempts)
    {
        var outcome = new KeyValuePair<string, object?>("retrydemo.outcome", failure ?? "success");
        _attempts.Record(attempts, outcome);
        if (failure is not null)
        {
            _failures.Add(1, outcome);
        }
    }

    /// <summary>A hedged call sent <paramref name="sent"/> hedges, of which <paramref name="answered"/> gave the answer it returned.</summary>
    public void RecordHedges(int sent, int answered)
    {
        if (answered > 0)
        {
            _hedges.Add(answered, new KeyValuePair<string, object?>("retrydemo.hedge.answered", true));
        }

        if (sent > answered)
        {
            _hedges.Add(sent - answered, new KeyValuePair<string, object?>("retrydemo.hedge.answered", false));
        }
    }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
