using System.Diagnostics;
using RetryDemo.ClientService.Diagnostics;

namespace RetryDemo.ClientService.Resilience;

/// <summary>How a refusal of the <see cref="RetryBudget"/> shows in a trace: one event, built here for retries and hedges alike.</summary>
public static class RetryBudgetRefusal
{
    /// <summary>
    /// A retry or a hedge (<paramref name="hedge"/>) refused: said on the ambient (server or logical-call) span,
    /// the one place that event is built. Returns the bucket as it was, for the caller's log line.
    /// </summary>
    public static RetryBudgetSnapshot ReportRefusal(this RetryBudget budget, int attemptNumber, bool hedge)
    {
        var snapshot = budget.Snapshot();
        var tags = new ActivityTagsCollection
        {
            [AttemptContext.AttemptTag] = attemptNumber,
            ["retrydemo.retry_budget.tokens"] = snapshot.Tokens,
            ["retrydemo.retry_budget.threshold"] = snapshot.Threshold,
        };
        if (hedge)
        {
            tags[AttemptContext.HedgeTag] = true;
        }

        Activity.Current?.AddEvent(new ActivityEvent("retrydemo.retry_budget.exhausted", tags: tags));
        return snapshot;
    }
}
