using Microsoft.Extensions.Diagnostics.HealthChecks;
using RetryDemo.Store.Garnet;

namespace RetryDemo.Tests.Store.Garnet;

[Trait("Category", "Unit")]
public sealed class GarnetLogHealthTests
{
    private const long Bound = 1L << 30;

    private static Dictionary<string, string> Info(long begin, long tail, long charged = 0) => new()
    {
        [GarnetLogHealth.BeginAddress] = begin.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [GarnetLogHealth.TailAddress] = tail.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [GarnetLogHealth.IndexChargedToLog] = charged.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public void Evaluate_LogWithinTwiceItsBound_IsHealthyAndSaysHowFarItSpans()
    {
        var result = GarnetLogHealth.Evaluate(Info(begin: 100L << 20, tail: (100L << 20) + 2 * Bound), Bound, "PING answered in 0.3 ms");

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("PING answered in 0.3 ms; the log spans 2048 MB from its oldest record to its tail (bound 1024 MB).", result.Description);
    }

    [Fact]
    public void Evaluate_LogPastTwiceItsBound_IsDegradedNamingCompaction()
    {
        // The shipped store after Garnet's compaction stopped: begin stuck, the tail 3.9 GB on.
        var result = GarnetLogHealth.Evaluate(Info(begin: 805_222_504, tail: 805_222_504 + 2 * Bound + 1), Bound, "PING answered in 0.3 ms");

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("Compaction is not keeping the disk bounded: the log spans 2048 MB", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_IndexChargedToTheLog_IsDegradedNamingStoreIndex()
    {
        var result = GarnetLogHealth.Evaluate(Info(begin: 64, tail: 1L << 20, charged: 300L << 20), Bound, "PING answered in 0.3 ms");

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("(300 MB): raise Store:Index", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_FieldsMissing_IsHealthyWithAnEmptyLog()
    {
        // A store that answers INFO STORE without these fields (another Garnet version) is not called degraded.
        var result = GarnetLogHealth.Evaluate(new Dictionary<string, string>(), Bound, "PING answered in 0.3 ms");

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }
}
