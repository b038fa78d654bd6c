using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>The budget's accounting on virtual time: a 10 s window in 1 s slots.</summary>
public class RetryBudgetTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    // A whole second, so slots start on the clock's seconds.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RetryBudget Create(double ratio, double minRetriesPerSecond, bool refund = true, double perSuccess = 0) =>
        new(Options.Create(new RetryBudgetOptions
        {
            RetryRatio = ratio,
            RetriesPerSuccess = perSuccess,
            MinRetriesPerSecond = minRetriesPerSecond,
            Window = Window,
            RefundSuccessfulRetries = refund,
        }), _time);

    private static int WithdrawAll(RetryBudget budget, int tries)
    {
        var allowed = 0;
        for (var i = 0; i < tries; i++)
        {
            allowed += budget.TryWithdraw(out _) ? 1 : 0;
        }

        return allowed;
    }

    private static void RecordFirstAttempts(RetryBudget budget, int count)
    {
        for (var i = 0; i < count; i++)
        {
            budget.RecordFirstAttempt();
        }
    }

    private static void RecordSuccesses(RetryBudget budget, int count)
    {
        for (var i = 0; i < count; i++)
        {
            budget.RecordSuccess();
        }
    }

    [Fact]
    public void TryWithdraw_EachGoodAnswer_EarnsRetriesPerSuccess()
    {
        var budget = Create(ratio: 0, minRetriesPerSecond: 0, perSuccess: 1);
        RecordSuccesses(budget, 5);

        Assert.Equal(5, WithdrawAll(budget, 10));
        Assert.Equal(new RetryBudgetSnapshot(0, 5, 5, 5, Window), budget.Snapshot());
    }

    [Theory]
    [InlineData(50, 60)] // half the first attempts answered well: 10 from the ratio + 50 earned
    [InlineData(0, 10)]  // HelloService down: nothing earned, the ratio alone
    public void TryWithdraw_ShippedShape_FollowsWhatHelloServiceAnswers(int successes, int expected)
    {
        var budget = Create(ratio: RetryBudgetDefaults.RetryRatio, minRetriesPerSecond: 0, perSuccess: RetryBudgetDefaults.RetriesPerSuccess);
        RecordFirstAttempts(budget, 100);
        RecordSuccesses(budget, successes);

        Assert.Equal(expected, WithdrawAll(budget, 200));
    }

    [Fact]
    public void TryWithdraw_OnceGoodAnswersLeaveTheWindow_FallsBackToTheRatio()
    {
        var budget = Create(ratio: 0, minRetriesPerSecond: 0, perSuccess: 1);
        RecordSuccesses(budget, 5);

        _time.Advance(Window);

        Assert.False(budget.TryWithdraw(out _));
    }

    [Fact]
    public void TryWithdraw_BeyondTheRatioOfFirstAttempts_IsRefused()
    {
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0);
        RecordFirstAttempts(budget, 100);

        Assert.Equal(10, WithdrawAll(budget, 10));
        Assert.False(budget.TryWithdraw(out _));
        Assert.Equal(new RetryBudgetSnapshot(100, 0, 10, 10, Window), budget.Snapshot());
    }

    [Fact]
    public void TryWithdraw_QuietClient_GetsTheMinimumRate()
    {
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0.5);

        Assert.Equal(5, WithdrawAll(budget, 20)); // 0.5/s × 10 s, with no first attempts at all
    }

    [Fact]
    public void TryWithdraw_MinimumRateAddsToTheRatio()
    {
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0.5);
        RecordFirstAttempts(budget, 100);

        Assert.Equal(15, WithdrawAll(budget, 50));
    }

    [Fact]
    public void TryWithdraw_OnceOldRetriesLeaveTheWindow_IsAllowedAgain()
    {
        var budget = Create(ratio: 0, minRetriesPerSecond: 0.5);
        Assert.Equal(5, WithdrawAll(budget, 5));

        _time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.False(budget.TryWithdraw(out _)); // still inside: the window covers 9 to 10 s back

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, WithdrawAll(budget, 20));
    }

    [Fact]
    public void TryWithdraw_SteadyTraffic_RefillsAsTheWindowSlides()
    {
        // 10 requests a second at ratio 0.1 earn one retry a second, before and after the window fills.
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0);
        var allowedPerSecond = new List<int>();
        for (var second = 0; second < 30; second++)
        {
            RecordFirstAttempts(budget, 10);
            allowedPerSecond.Add(WithdrawAll(budget, 5));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.All(allowedPerSecond, allowed => Assert.Equal(1, allowed));
    }

    [Fact]
    public void Refund_SuccessfulRetry_FreesItsShare()
    {
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0);
        RecordFirstAttempts(budget, 10);
        Assert.True(budget.TryWithdraw(out var ticket));
        Assert.False(budget.TryWithdraw(out _));

        budget.Refund(ticket);

        Assert.True(budget.TryWithdraw(out _));
    }

    [Fact]
    public void Refund_WhenRefundsAreOff_KeepsTheCharge()
    {
        var budget = Create(ratio: 0.1, minRetriesPerSecond: 0, refund: false);
        RecordFirstAttempts(budget, 10);
        Assert.True(budget.TryWithdraw(out var ticket));

        budget.Refund(ticket);

        Assert.False(budget.TryWithdraw(out _));
    }

    [Fact]
    public void Refund_ForARetryThatLeftTheWindow_AddsNothing()
    {
        var budget = Create(ratio: 0, minRetriesPerSecond: 0.1); // one retry per window
        Assert.True(budget.TryWithdraw(out var old));
        _time.Advance(Window);
        Assert.True(budget.TryWithdraw(out _));

        budget.Refund(old);

        Assert.False(budget.TryWithdraw(out _));
    }
}
