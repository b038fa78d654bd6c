using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.Store.Garnet;

namespace RetryDemo.Tests.Store.Garnet;

[Trait("Category", "Unit")]
public sealed class GarnetLogHealthTests
{
    private const long Mb = 1L << 20;
    private const string Ping = "PING answered in 0.3 ms";

    // As shipped: compaction due past 8 segments of 64 MB, looked at every 60 s, so stuck after 4 minutes.
    private readonly FakeTimeProvider _time = new();
    private readonly GarnetLogHealth _health;

    public GarnetLogHealthTests() => _health = new GarnetLogHealth(new GarnetOptions(), _time);

    private static Dictionary<string, string> Info(long begin, long readOnly, long charged = 0) => new()
    {
        [GarnetLogHealth.BeginAddress] = begin.ToString(CultureInfo.InvariantCulture),
        [GarnetLogHealth.SafeReadOnlyAddress] = readOnly.ToString(CultureInfo.InvariantCulture),
        [GarnetLogHealth.IndexChargedToLog] = charged.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public void StuckAfter_AsShipped_IsThreePeriodsAndAMinute() => Assert.Equal(TimeSpan.FromMinutes(4), _health.StuckAfter);

    [Fact]
    public void Evaluate_DueAndTheOldestRecordStillPastStuckAfter_IsDegradedNamingCompaction()
    {
        _health.Evaluate(Info(begin: 805_222_504, readOnly: 805_222_504 + 600 * Mb), Ping);
        _time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));

        var result = _health.Evaluate(Info(begin: 805_222_504, readOnly: 805_222_504 + 900 * Mb), Ping);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("Compaction has not moved the log's oldest record for 4.0 minutes while due: 900 MB", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DueButStillForLessThanStuckAfter_IsHealthy()
    {
        _health.Evaluate(Info(begin: 64, readOnly: 600 * Mb), Ping);
        _time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(HealthStatus.Healthy, _health.Evaluate(Info(begin: 64, readOnly: 900 * Mb), Ping).Status);
    }

    [Fact]
    public void Evaluate_MuchLiveDataButTheOldestRecordMoving_IsHealthy()
    {
        // Compaction copies live records forward: the log stays long, its start moves.
        for (var minute = 0; minute < 10; minute++)
        {
            var begin = minute * 100 * Mb;
            Assert.Equal(HealthStatus.Healthy, _health.Evaluate(Info(begin, begin + 3_000 * Mb), Ping).Status);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void Evaluate_NotDueAndStill_IsHealthyAndSaysTheLogBelowReadOnly()
    {
        _health.Evaluate(Info(begin: 64, readOnly: 100 * Mb), Ping);
        _time.Advance(TimeSpan.FromHours(1));

        var result = _health.Evaluate(Info(begin: 64, readOnly: 100 * Mb), Ping);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal($"{Ping}; 99 MB of log below its read-only part (compaction due past 512 MB).", result.Description);
    }

    [Fact]
    public void Evaluate_IndexOverflowTakesAnEighthOfTheLogsMemory_IsDegradedNamingStoreIndex()
    {
        var result = _health.Evaluate(Info(begin: 64, readOnly: Mb, charged: 64 * Mb), Ping);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("(64 MB of 512 MB): raise Store:Index", result.Description, StringComparison.Ordinal);
    }

    /// <summary>The shipped store past its capacity carried 4 MB of overflow from 8.2 million writes on: said, not degraded.</summary>
    [Fact]
    public void Evaluate_IndexOverflowUnderAnEighthOfTheLogsMemory_IsHealthyAndSaysHowMuch()
    {
        var result = _health.Evaluate(Info(begin: 64, readOnly: Mb, charged: 64 * Mb - 1), Ping);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.EndsWith("the hash index's overflow takes 63 MB of the log's memory (degraded from 64 MB).", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AddressesNotReported_SaysCompactionIsNotWatched()
    {
        var result = _health.Evaluate(new Dictionary<string, string>(), Ping);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.EndsWith("INFO STORE did not report the log's addresses, so compaction is not watched.", result.Description, StringComparison.Ordinal);
    }
}
