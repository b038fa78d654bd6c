using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RetryDemo.Store.Garnet;

/// <summary>
/// What the store's log says about the two ways a full store has failed here (docs/benchmarks.md): compaction
/// that stops (Garnet 2.2.12's Lookup compaction threw on one record and retried it forever, or hung), so the
/// log on disk grows with every write; and an index too small for the keys, whose overflow eats the log's
/// memory until writes stall. Both answer every command meanwhile, so PING alone calls them healthy.
/// Read from <c>INFO STORE</c>.
/// </summary>
public static class GarnetLogHealth
{
    public const string BeginAddress = "Log.BeginAddress";
    public const string TailAddress = "Log.TailAddress";
    public const string IndexChargedToLog = "IndexMemoryChargedToLogBudgetBytes";

    public static HealthCheckResult Evaluate(IReadOnlyDictionary<string, string> storeInfo, long logBoundBytes, string ping)
    {
        var span = Number(storeInfo, TailAddress) - Number(storeInfo, BeginAddress);
        var charged = Number(storeInfo, IndexChargedToLog);
        var spanned = $"the log spans {Mb(span)} MB from its oldest record to its tail (bound {Mb(logBoundBytes)} MB)";
        if (span > 2 * logBoundBytes)
        {
            return HealthCheckResult.Degraded(
                $"Compaction is not keeping the disk bounded: {spanned}. Look for compaction errors in the store's log; see docs/deployment.md.");
        }

        if (charged > 0)
        {
            return HealthCheckResult.Degraded(
                $"The hash index overflows into the log's memory ({Mb(charged)} MB): raise Store:Index to match the number of keys.");
        }

        return HealthCheckResult.Healthy($"{ping}; {spanned}.");
    }

    private static long Number(IReadOnlyDictionary<string, string> info, string field) =>
        info.TryGetValue(field, out var value) && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;

    private static long Mb(long bytes) => bytes >> 20;
}
