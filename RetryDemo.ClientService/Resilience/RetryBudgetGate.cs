using System.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using RetryDemo.ClientService.Diagnostics;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// Puts the <see cref="RetryBudget"/> into the standard handler's retry predicate: it sees every
/// attempt's outcome (first attempts earn budget, successful retries are refunded) and is asked last,
/// once everything else says "retry". A refusal returns the last failure as the call's outcome.
/// </summary>
public sealed class RetryBudgetGate(RetryBudget budget, ILogger<RetryBudgetGate> logger)
{
    // The retry charged for the attempt in flight, so its success can refund exactly that charge.
    private static readonly ResiliencePropertyKey<long> TicketKey = new("RetryDemo.RetryBudget.Ticket");

    public void Observe(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (!budget.Enabled)
        {
            return;
        }

        if (args.AttemptNumber == 0)
        {
            // A call the open breaker turned away never reached HelloService and earns nothing.
            if (args.Outcome.Exception is not BrokenCircuitException)
            {
                budget.RecordFirstAttempt();
            }
        }
        else if (args.Outcome.Result is { IsSuccessStatusCode: true } && args.Context.Properties.TryGetValue(TicketKey, out var ticket))
        {
            budget.Refund(ticket);
        }
    }

    public bool AllowRetry(RetryPredicateArguments<HttpResponseMessage> args, HttpRequestMessage? request)
    {
        if (!budget.Enabled)
        {
            return true;
        }

        if (budget.TryWithdraw(out var ticket))
        {
            args.Context.Properties.Set(TicketKey, ticket);
            return true;
        }

        AttemptLog? log = null;
        request?.Options.TryGetValue(AttemptLog.Key, out log);
        log?.MarkRetryRefused();
        var snapshot = budget.Snapshot();
        Activity.Current?.AddEvent(new ActivityEvent("retrydemo.retry_budget.exhausted", tags: new ActivityTagsCollection
        {
            [AttemptContext.AttemptTag] = args.AttemptNumber + 1,
            ["retrydemo.retry_budget.retries"] = snapshot.Retries,
            ["retrydemo.retry_budget.first_attempts"] = snapshot.FirstAttempts,
        }));
        RetryBudgetLog.Refused(logger, args.AttemptNumber + 1, AttemptLog.RequestIdOf(request), snapshot.Retries, snapshot.FirstAttempts, snapshot.Window.TotalSeconds);
        return false;
    }
}

internal static partial class RetryBudgetLog
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Retry budget exhausted: no retry after attempt {AttemptNumber} of request {RequestId} ({Retries} retries against {FirstAttempts} first attempts in the last {WindowSeconds} s)")]
    public static partial void Refused(ILogger logger, int attemptNumber, string? requestId, long retries, long firstAttempts, double windowSeconds);
}
