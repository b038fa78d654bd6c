using System.Diagnostics;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using RetryDemo.ClientService.Diagnostics;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The standard handler's retry predicate, and the one place that decides whether a failed attempt is
/// retried: transient? safe to repeat? a Retry-After the call can wait for? attempts left? retry budget
/// left? The first "no" is recorded on the call's <see cref="AttemptLog"/> as it is made, so HelloClient
/// reports why the call stopped instead of guessing. It also feeds the <see cref="RetryBudget"/> every
/// attempt's outcome, and refunds a retry that succeeded.
/// </summary>
public sealed class RetryDecision(
    RetryBudget budget, HttpStandardResilienceOptions pipeline, TimeSpan maxRetryAfter, TimeProvider timeProvider, ILogger<RetryDecision> logger)
{
    // The retry charged for the attempt in flight, so its success can refund exactly that charge.
    private static readonly ResiliencePropertyKey<long> TicketKey = new("RetryDemo.RetryBudget.Ticket");

    public ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
#pragma warning disable EXTEXP0001 // GetRequestMessage is experimental; it is how a predicate sees the request when there is no response.
        var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
#pragma warning restore EXTEXP0001
        Observe(args);
        if (args.Outcome.Result is { IsSuccessStatusCode: true })
        {
            return ValueTask.FromResult(false);
        }

        var stop = Decide(args, request);
        if (stop is { } reason && request is not null && request.Options.TryGetValue(AttemptLog.Key, out var log))
        {
            log.RecordStop(reason);
        }

        return ValueTask.FromResult(stop is null);
    }

    private RetryStop? Decide(RetryPredicateArguments<HttpResponseMessage> args, HttpRequestMessage? request)
    {
        if (!HttpClientResiliencePredicates.IsTransient(args.Outcome) || args.Context.CancellationToken.IsCancellationRequested)
        {
            return RetryStop.NotTransient;
        }

        if (!UnsafeMethodRetry.IsAllowed(request))
        {
            return RetryStop.UnsafeMethod;
        }

        if (args.Outcome.Result is { } response && RetryAfterBudget.Exceeds(response, pipeline.TotalRequestTimeout.Timeout, maxRetryAfter, timeProvider))
        {
            return RetryStop.RetryAfterBeyondBudget;
        }

        // Polly stops after its last attempt whatever this says, so that outcome costs no budget.
        if (args.AttemptNumber >= pipeline.Retry.MaxRetryAttempts)
        {
            return RetryStop.AttemptsExhausted;
        }

        return TryWithdraw(args, request) ? null : RetryStop.RetryBudgetExhausted;
    }

    private void Observe(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (!budget.Enabled)
        {
            return;
        }

        // A call the open breaker turned away never reached HelloService: it earns nothing.
        if (args.AttemptNumber == 0 && args.Outcome.Exception is not BrokenCircuitException)
        {
            budget.RecordFirstAttempt();
        }

        if (args.Outcome.Result is { } response && !HttpClientResiliencePredicates.IsTransient(args.Outcome))
        {
            budget.RecordSuccess();
            if (response.IsSuccessStatusCode && args.AttemptNumber > 0 && args.Context.Properties.TryGetValue(TicketKey, out var ticket))
            {
                budget.Refund(ticket);
            }
        }
    }

    private bool TryWithdraw(RetryPredicateArguments<HttpResponseMessage> args, HttpRequestMessage? request)
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

        var snapshot = budget.Snapshot();
        Activity.Current?.AddEvent(new ActivityEvent("retrydemo.retry_budget.exhausted", tags: new ActivityTagsCollection
        {
            [AttemptContext.AttemptTag] = args.AttemptNumber + 1,
            ["retrydemo.retry_budget.retries"] = snapshot.Retries,
            ["retrydemo.retry_budget.first_attempts"] = snapshot.FirstAttempts,
            ["retrydemo.retry_budget.successes"] = snapshot.Successes,
        }));
        RetryBudgetLog.Refused(logger, args.AttemptNumber + 1, AttemptLog.RequestIdOf(request), snapshot.Retries, snapshot.FirstAttempts, snapshot.Successes, snapshot.Window.TotalSeconds);
        return false;
    }
}

internal static partial class RetryBudgetLog
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Retry budget exhausted: no retry after attempt {AttemptNumber} of request {RequestId} ({Retries} retries against {FirstAttempts} first attempts and {Successes} good answers in the last {WindowSeconds} s)")]
    public static partial void Refused(ILogger logger, int attemptNumber, string? requestId, long retries, long firstAttempts, long successes, double windowSeconds);
}
