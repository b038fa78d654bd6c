using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.ClientService.Answers;

/// <summary>How a call that ended without a reply is told to the caller: always problem details, never a bare 500.</summary>
public static class HelloProblems
{
    /// <summary>Documents the answers <see cref="From"/> gives (and the 400 of a bad request).</summary>
    public static RouteHandlerBuilder ProducesHelloProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>The problem type of <see cref="HelloFailure.OutcomeUnknown"/>: retry with the same Idempotency-Key.</summary>
    public const string OutcomeUnknownType = "urn:retrydemo:problem:outcome-unknown";

    /// <summary>When to try again after a 503 that came with no hint of its own: soon, as the pipeline itself would.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public static ProblemHttpResult From<T>(HelloCallResult<T> result, AttemptReport report, HttpContext context) where T : class
    {

        // A downstream 4xx is HelloService refusing us: a bad gateway, not "try again later" — except a
        // key reused for another payload, which is the caller's own mistake and keeps its 422.
        var (status, detail) = result.Failure switch
        {
            HelloFailure.Rejected when result.LastStatusCode == StatusCodes.Status422UnprocessableEntity => (StatusCodes.Status422UnprocessableEntity,
                "This Idempotency-Key was already used for a different greeting; use a new key for a new greeting."),
            HelloFailure.OutcomeUnknown => (StatusCodes.Status503ServiceUnavailable,
                "Every attempt failed and HelloService could not say whether the greeting was created. Retry with the same Idempotency-Key: a greeting already created is returned, never created twice."),
            HelloFailure.Rejected => (StatusCodes.Status502BadGateway, $"HelloService rejected the request with {result.LastStatusCode}; not retried."),
            HelloFailure.BadResponse => (StatusCodes.Status502BadGateway, "HelloService answered with a body that is not what was asked for."),
            HelloFailure.RetryAfterBeyondBudget => (result.LastStatusCode == StatusCodes.Status429TooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable,
                $"HelloService asked to retry after {result.RetryAfter?.TotalSeconds:F0} s, more than this call could wait; not retried."),
            HelloFailure.RetryBudgetExhausted => (StatusCodes.Status503ServiceUnavailable,
                $"HelloService failed (last: {result.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no response"}) and the retry budget is spent: most recent attempts failed, so this one was not retried."),
            HelloFailure.CircuitOpen => (StatusCodes.Status503ServiceUnavailable, "HelloService is failing; the circuit breaker is open, so it was not called."),
            HelloFailure.RateLimited => (StatusCodes.Status503ServiceUnavailable,
                "ClientService is at its limit of concurrent calls to HelloService, so this one was shed without calling it; try again after Retry-After."),
            HelloFailure.TimedOut => (StatusCodes.Status503ServiceUnavailable, "HelloService did not answer within the total request timeout."),
            HelloFailure.Unreachable => (StatusCodes.Status503ServiceUnavailable, $"HelloService could not be reached after {report.Attempts.Count} attempts."),
            _ => (StatusCodes.Status503ServiceUnavailable,
                $"HelloService still failing after {report.Attempts.Count} attempts (the answer returned: {result.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "none, the attempt timed out"})."),
        };

        // Every 503 says when to come back; a 429 passes HelloService's own hint on.
        var hint = result.RetryAfter ?? (status == StatusCodes.Status503ServiceUnavailable ? DefaultRetryAfter : null);
        if (hint is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var (title, type) = result.Failure switch
        {
            HelloFailure.OutcomeUnknown => ("Outcome unknown", OutcomeUnknownType),
            HelloFailure.Rejected when status == StatusCodes.Status422UnprocessableEntity => ("Idempotency key reused", null),
            HelloFailure.RateLimited => ("Overloaded", null),
            _ => ("HelloService unavailable", null),
        };
        return TypedResults.Problem(detail, statusCode: status, title: title, type: type, extensions: new Dictionary<string, object?>
        {
            ["reason"] = result.Failure.ToString(),
            ["report"] = report,
        });
    }
}
