using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>The bucket's accounting (gRFC A6): failures take a token, good answers put TokenRatio back, retries need more than half.</summary>
[Trait("Category", "Unit")]
public class RetryBudgetTests
{
    private static RetryBudget Create(int maxTokens = 20, double tokenRatio = 2) =>
        new(Options.Create(new RetryBudgetOptions { MaxTokens = maxTokens, TokenRatio = tokenRatio }));

    private static void Fail(RetryBudget budget, int times)
    {
        for (var i = 0; i < times; i++)
        {
            budget.RecordFailure();
        }
    }

    [Fact]
    public void RetriesAllowed_FullBucket_UntilHalfOfItIsGone()
    {
        var budget = Create();

        Fail(budget, 9);
        Assert.True(budget.RetriesAllowed); // 11 > 10

        Fail(budget, 1);
        Assert.False(budget.RetriesAllowed); // 10 is not more than half
        Assert.Equal(new RetryBudgetSnapshot(10, 20, 10), budget.Snapshot());
    }

    [Fact]
    public void RecordSuccess_PutsTokenRatioBack_UpToTheBucketsSize()
    {
        var budget = Create();
        Fail(budget, 10);

        budget.RecordSuccess();
        Assert.True(budget.RetriesAllowed);
        Assert.Equal(12, budget.Snapshot().Tokens);

        for (var i = 0; i < 10; i++)
        {
            budget.RecordSuccess();
        }

        Assert.Equal(20, budget.Snapshot().Tokens);
    }

    [Fact]
    public void RecordFailure_NeverBelowZero_SoRecoveryNeedsOnlyAFewGoodAnswers()
    {
        var budget = Create();
        Fail(budget, 1000);

        Assert.Equal(0, budget.Snapshot().Tokens);
        for (var i = 0; i < 5; i++)
        {
            budget.RecordSuccess();
        }

        Assert.False(budget.RetriesAllowed); // 10
        budget.RecordSuccess();
        Assert.True(budget.RetriesAllowed); // 12
    }

    [Theory]
    [InlineData(0.5, true)]  // −1 and +2 alike often: the bucket stays full
    [InlineData(0.8, false)] // −0.8 + 0.4 per attempt: it drains
    [InlineData(1.0, false)]
    public void RetriesAllowed_UnderSteadyFailureRate_FollowsTheRatio(double failureRate, bool allowed)
    {
        var budget = Create();
        var random = new Random(14);

        for (var attempt = 0; attempt < 1000; attempt++)
        {
            if (random.NextDouble() < failureRate)
            {
                budget.RecordFailure();
            }
            else
            {
                budget.RecordSuccess();
            }
        }

        Assert.Equal(allowed, budget.RetriesAllowed);
    }

    [Fact]
    public void Options_Unconfigured_AreTheDefaults()
    {
        var options = new RetryBudgetOptions();
        // Written out: a change to a default must change this test on purpose.
        Assert.Equal((true, 50, 2.0), (options.Enabled, options.MaxTokens, options.TokenRatio));
    }

    [Fact]
    public void TryTakeForHedge_TakesATokenWhileRetriesAreAllowed_AndNotBelowHalf()
    {
        var budget = Create();
        Fail(budget, 8); // 12 left

        Assert.True(budget.TryTakeForHedge()); // 11
        Assert.True(budget.TryTakeForHedge()); // 10: half, so no more
        Assert.False(budget.TryTakeForHedge());
        Assert.Equal(10, budget.Snapshot().Tokens);
    }

    [Fact]
    public void ReturnHedgeToken_PutsOneBack_UpToTheBucketsSize()
    {
        var budget = Create();
        Assert.True(budget.TryTakeForHedge());

        budget.ReturnHedgeToken();
        budget.ReturnHedgeToken();

        Assert.Equal(20, budget.Snapshot().Tokens);
    }

    [Fact]
    public void TryTakeForHedge_Disabled_AlwaysAllowsAndTakesNothing()
    {
        var budget = new RetryBudget(Options.Create(new RetryBudgetOptions { Enabled = false, MaxTokens = 20 }));
        Fail(budget, 20);

        Assert.True(budget.TryTakeForHedge());
    }
}
