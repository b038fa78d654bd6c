using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The standard handler's retry predicate, and the one place that decides whether a failed attempt is
/// retried: transient? safe to repeat? a Retry-After the call can wait for? attempts left? retry budget
/// left? The first "no" is recorded on the call's <see cref="AttemptLog"/> as it is made, so HelloClient
/// reports why the call stopped instead of guessing. It also tells the <see cref="RetryBudget"/> how
/// every attempt that reached HelloService went.
/// </summary>
public sealed class RetryDecision(
    RetryBudget budget, HttpStandardResilienceOptions pipeline, TimeSpan maxRetryAfter, TimeProvider timeProvider, ILogger<RetryDecision> logger)
{
    public ValueTask<bool> ShouldRetryAsync(in RetryPredicateArguments<HttpResponseMessage> args)
    {
        // The happy path, every call's: nothing to decide, only a good answer for the budget.
        if (args.Outcome.Result is { IsSuccessStatusCode: true })
        {
            Observe(in args, transient: false);
            return ValueTask.FromResult(false);
        }

#pragma warning disable EXTEXP0001 // GetRequestMessage is experimental; it is how a predicate sees the request when there is no response.
        var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
#pragma warning restore EXTEXP0001
        var transient = HttpClientResiliencePredicates.IsTransient(args.Outcome) || IdempotencyConflict.IsInProgress(args.Outcome.Result);
        Observe(in args, transient);
        var stop = Decide(in args, request, transient);
        if (stop is { } reason)
        {
            AttemptLog.Of(request)?.RecordStop(reason);
        }

        return ValueTask.FromResult(stop is null);
    }

    private RetryStop? Decide(in RetryPredicateArguments<HttpResponseMessage> args, HttpRequestMessage? request, bool transient)
    {
        if (!transient || args.Context.CancellationToken.IsCancellationRequested)
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

        return BudgetAllows(in args, request) ? null : RetryStop.RetryBudgetExhausted;
    }

    // Every attempt that reached HelloService tells the budget how HelloService is doing.
    private void Observe(in RetryPredicateArguments<HttpResponseMessage> args, bool transient) =>
        budget.Observe(args.Outcome, transient, args.Context.CancellationToken);

    private bool BudgetAllows(in RetryPredicateArguments<HttpResponseMessage> args, HttpRequestMessage? request)
    {
        if (!budget.Enabled || budget.RetriesAllowed)
        {
            return true;
        }

        var snapshot = budget.ReportRefusal(args.AttemptNumber + 1, hedge: false);
        RetryBudgetLog.Refused(logger, args.AttemptNumber + 1, AttemptLog.Of(request)?.RequestId, snapshot.Tokens, snapshot.MaxTokens);
        return false;
    }
}

internal static partial class RetryBudgetLog
{
    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "Retry budget exhausted: no retry after attempt {AttemptNumber} of request {" + LogTags.RequestId + "} ({Tokens} of {MaxTokens} tokens left; retries need more than half)")]
    public static partial void Refused(ILogger logger, int attemptNumber, [TagName(LogTags.RequestId)] string? requestId, double tokens, int maxTokens);
}
