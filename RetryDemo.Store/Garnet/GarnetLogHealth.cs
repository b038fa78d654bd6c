using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// What the store's log says about the two ways a full store has failed here (docs/benchmarks.md): compaction
/// that stops (Garnet 2.2.12's Lookup compaction threw on one record and retried it forever, or hung), so the
/// log on disk grows with every write; and an index too small for the keys, whose overflow eats the log's
/// memory until writes stall. Both answer every command meanwhile, so PING alone calls them healthy.
/// Compaction is due when the log below its read-only part holds more than its segments (Garnet's own trigger);
/// it is called stuck when it has been due and the log's oldest record has not moved for three of its periods
/// and a minute. Live data beyond the segments is not a fault: compaction copies it forward, and moves on. Some
/// overflow is not a fault either: a full store past its capacity adds keys as fast as it deletes them, and the
/// deleted keys' index entries stay until compaction passes them, so the shipped store carried 4 MB of overflow
/// from 8.2 million writes on (docs/benchmarks.md). It is called degraded once it takes an eighth of the log's
/// memory: the store that wedged had lost all of it.
/// Read from <c>INFO STORE</c>; one instance per store, as it remembers where the log began.
/// </summary>
public sealed class GarnetLogHealth(GarnetOptions options, TimeProvider time)
{
    public const string BeginAddress = "Log.BeginAddress";
    public const string SafeReadOnlyAddress = "Log.SafeReadOnlyAddress";
    public const string IndexChargedToLog = "IndexMemoryChargedToLogBudgetBytes";

    // Garnet's trigger: compaction is due past this much log below the read-only part.
    private readonly long _trigger = options.CompactionSegments * GarnetSizes.Parse(options.Segment);
    private readonly long _logMemory = GarnetSizes.Parse(options.Memory);
    private readonly Lock _gate = new();
    private long _begin = -1;
    private DateTimeOffset _settledAt;

    public TimeSpan StuckAfter => TimeSpan.FromSeconds(3 * options.CompactionFrequencySeconds + 60);

    public HealthCheckResult Evaluate(IReadOnlyDictionary<string, string> storeInfo, string ping)
    {
        if (Number(storeInfo, BeginAddress) is not { } begin || Number(storeInfo, SafeReadOnlyAddress) is not { } readOnly)
        {
            return HealthCheckResult.Healthy($"{ping}; INFO STORE did not report the log's addresses, so compaction is not watched.");
        }

        var now = time.GetUtcNow();
        TimeSpan still;
        lock (_gate) // /health can be asked by two callers at once
        {
            if (begin != _begin || readOnly - begin <= _trigger)
            {
                (_begin, _settledAt) = (begin, now);
            }

            still = now - _settledAt;
        }

        var onDisk = $"{Mb(readOnly - begin)} MB of log below its read-only part (compaction due past {Mb(_trigger)} MB)";
        if (still > StuckAfter)
        {
            return HealthCheckResult.Degraded(string.Create(CultureInfo.InvariantCulture,
                $"Compaction has not moved the log's oldest record for {still.TotalMinutes:F1} minutes while due: {onDisk}. Look for compaction errors in the store's log; see docs/deployment.md."));
        }

        var charged = Number(storeInfo, IndexChargedToLog) ?? 0;
        var overflowLimit = _logMemory / 8;
        if (charged >= overflowLimit)
        {
            return HealthCheckResult.Degraded(
                $"The hash index overflows into the log's memory ({Mb(charged)} MB of {Mb(_logMemory)} MB): raise Store:Index to match the number of keys.");
        }

        return HealthCheckResult.Healthy(charged > 0
            ? $"{ping}; {onDisk}; the hash index's overflow takes {Mb(charged)} MB of the log's memory (degraded from {Mb(overflowLimit)} MB)."
            : $"{ping}; {onDisk}.");
    }

    private static long? Number(IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static long Mb(long bytes) => bytes >> 20;
}
