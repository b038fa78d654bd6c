using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Hedging;

namespace RetryDemo.Tests.ClientService.Hedging;

/// <summary>The hedging delay: a percentile of recent answers within its floor and ceiling, or a constant.</summary>
[Trait("Category", "Unit")]
public class HedgingDelayTests
{
    private static HedgingDelay Create(bool adaptive = true) => new(Options.Create(new HedgingOptions { AdaptiveDelay = adaptive }));

    private static void Answer(HedgingDelay delay, int times, Func<int, double> milliseconds)
    {
        for (var i = 0; i < times; i++)
        {
            delay.Observe(TimeSpan.FromMilliseconds(milliseconds(i)));
        }
    }

    [Fact]
    public void Current_FewerAnswersThanARecompute_IsTheConfiguredDelay()
    {
        var delay = Create();

        Answer(delay, HedgingDefaults.DelayRecomputeEvery - 1, _ => 300);

        Assert.Equal(HedgingDefaults.Delay, delay.Current);
    }

    [Fact]
    public void Current_AnswersSpreadOverAHundredMilliseconds_IsTheirNinetyFifthPercentile()
    {
        var delay = Create();

        // 1, 2, … 100 ms, twice: the 95th percentile (nearest rank) is 95 ms.
        Answer(delay, 200, i => (i % 100) + 1);

        Assert.Equal(TimeSpan.FromMilliseconds(95), delay.Current);
    }

    [Fact]
    public void Current_FastAnswers_StaysAtTheFloor()
    {
        var delay = Create();

        Answer(delay, 100, _ => 3);

        Assert.Equal(HedgingDefaults.MinDelay, delay.Current);
    }

    [Fact]
    public void Current_HelloServiceSlowEverywhere_FollowsItUpToTheCeiling()
    {
        var delay = Create();

        Answer(delay, 100, _ => 300);
        Assert.Equal(TimeSpan.FromMilliseconds(300), delay.Current);

        Answer(delay, 100, _ => 5_000);
        Assert.Equal(HedgingDefaults.MaxDelay, delay.Current);
    }

    [Fact]
    public void Current_AfterAWindowOfNewAnswers_ForgetsTheOldOnes()
    {
        var delay = Create();
        Answer(delay, HedgingDefaults.DelayWindow, _ => 900);

        Answer(delay, HedgingDefaults.DelayWindow, _ => 40);

        Assert.Equal(TimeSpan.FromMilliseconds(40), delay.Current);
    }

    [Fact]
    public void Current_NotAdaptive_IsTheConstantWhateverTheAnswers()
    {
        var delay = Create(adaptive: false);

        Answer(delay, 200, _ => 700);

        Assert.Equal(HedgingDefaults.Delay, delay.Current);
    }
}
