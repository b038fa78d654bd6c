using RetryDemo.Store.Garnet;

namespace RetryDemo.Tests.Store.Garnet;

/// <summary>
/// The durability settings Garnet starts with, pinned: each was chosen by a measurement or a failure
/// (docs/benchmarks.md, docs/deployment.md), and none can be seen from a client.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GarnetHostArgumentsTests
{
    private static readonly string[] Arguments = GarnetHost.Arguments(new GarnetOptions(), "/data");

    [Fact]
    public void Arguments_Default_RecoversAndCommitsTheAppendOnlyFileOnAFiveMillisecondTimer()
    {
        Assert.Contains("--aof", Arguments);
        Assert.Contains("--recover", Arguments);
        Assert.Equal("5", ValueOf("--aof-commit-freq"));
        Assert.DoesNotContain("--aof-commit-wait", Arguments);
    }

    [Fact]
    public void Arguments_Default_FailsOnRecoveryError() => Assert.Contains("--fail-on-recovery-error", Arguments);

    [Fact]
    public void Arguments_Default_CheckpointsPast256MegabytesOfFileInSegmentsOf64() =>
        Assert.Equal(("256m", "64m"), (ValueOf("--aof-size-limit"), ValueOf("--aof-segment-size")));

    private static string ValueOf(string option) => Arguments[Array.IndexOf(Arguments, option) + 1];
}
