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

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
