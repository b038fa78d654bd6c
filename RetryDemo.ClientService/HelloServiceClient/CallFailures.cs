using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>How a call to HelloService that did not get a good answer ends: each decision made in one place.</summary>
internal static class CallFailures
{
    /// <summary>When to come back after being shed at the concurrency limit: calls finish in milliseconds, so the limit frees up fast.</summary>
    public static readonly TimeSpan RateLimitedRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A failed answer (not 2xx): refused for good, a Retry-After past the budget, or the attempts used up.</summary>
    public static HelloFailure OfAnswer(RetryStop? stop) => stop switch
    {
        RetryStop.NotTransient => HelloFailure.Rejected,
        RetryStop.RetryAfterBeyondBudget => HelloFailure.RetryAfterBeyondBudget,
        _ => StoppedBy(HelloFailure.Exhausted, stop),
    };

    /// <summary>
    /// What an exception out of the pipeline means, and when the caller may come back; null for one that is not
    /// the call's outcome (the caller's own cancellation, a bug), which is left to propagate.
    /// </summary>
    public static (HelloFailure Failure, TimeSpan? RetryAfter)? OfException(Exception exception, RetryStop? stop) => exception switch
    {
        // Shed before any attempt: the caller may come back soon (the limiter's hint, else a second).
        RateLimiterRejectedException shed => (HelloFailure.RateLimited, shed.RetryAfter ?? RateLimitedRetryAfter),
        BrokenCircuitException open => (HelloFailure.CircuitOpen, open.RetryAfter),
        // The last attempt's own timeout once the attempts ran out is Exhausted; only the total timeout is TimedOut.
        TimeoutRejectedException => (StoppedBy(stop is RetryStop.AttemptsExhausted ? HelloFailure.Exhausted : HelloFailure.TimedOut, stop), null),
        HttpRequestException => (StoppedBy(HelloFailure.Unreachable, stop), null),
        System.Text.Json.JsonException => (HelloFailure.BadResponse, null),
        _ => null,
    };

    // A transient failure that could have been retried but the retry budget refused (RetryDecision recorded it).
    private static HelloFailure StoppedBy(HelloFailure failure, RetryStop? stop) =>
        stop is RetryStop.RetryBudgetExhausted ? HelloFailure.RetryBudgetExhausted : failure;
}
