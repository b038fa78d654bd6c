using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.Hello;

public static class HelloApi
{
    public static IEndpointRouteBuilder MapHelloApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hello", GetHello)
            .WithName("GetHello")
            .WithSummary("Calls HelloService through the tuned resilience pipeline and reports every attempt.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<HelloResponse>, ProblemHttpResult, ValidationProblem>> GetHello(
        [AsParameters] FaultRequest faults, HelloClient client, HttpContext context)
    {
        if (faults.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid fault request");
        }

        var result = await client.GetHelloAsync(faults, context.RequestAborted);
        var report = AttemptReport.From(result.Report);
        return result.Reply is { } reply
            ? TypedResults.Ok(new HelloResponse(reply.Message, reply.Instance, report))
            : HelloProblems.From(result, report, context);
    }
}

/// <summary>How a call that ended without a reply is told to the caller: always problem details, never a bare 500.</summary>
public static class HelloProblems
{
    public static ProblemHttpResult From<T>(HelloCallResult<T> result, AttemptReport report, HttpContext context) where T : class
    {
        if (result.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        // A downstream 4xx is HelloService refusing us: a bad gateway, not "try again later".
        var (status, detail) = result.Failure switch
        {
            HelloFailure.Rejected => (StatusCodes.Status502BadGateway, $"HelloService rejected the request with {result.LastStatusCode}; not retried."),
            HelloFailure.BadResponse => (StatusCodes.Status502BadGateway, "HelloService answered with a body that is not what was asked for."),
            HelloFailure.RetryAfterBeyondBudget => (result.LastStatusCode == StatusCodes.Status429TooManyRequests ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable,
                $"HelloService asked to retry after {result.RetryAfter?.TotalSeconds:F0} s, more than this call could wait; not retried."),
            HelloFailure.RetryBudgetExhausted => (StatusCodes.Status503ServiceUnavailable,
                $"HelloService failed (last: {result.LastStatusCode?.ToString(CultureInfo.InvariantCulture) ?? "no response"}) and the retry budget is spent: most recent attempts failed, so this one was not retried."),
            HelloFailure.CircuitOpen => (StatusCodes.Status503ServiceUnavailable, "HelloService is failing; the circuit breaker is open, so it was not called."),
            HelloFailure.TimedOut => (StatusCodes.Status503ServiceUnavailable, "HelloService did not answer within the total request timeout."),
            HelloFailure.Unreachable => (StatusCodes.Status503ServiceUnavailable, $"HelloService could not be reached after {report.Attempts.Count} attempts."),
            _ => (StatusCodes.Status503ServiceUnavailable, $"HelloService still failing after {report.Attempts.Count} attempts (last status {result.LastStatusCode})."),
        };

        return TypedResults.Problem(detail, statusCode: status, title: "HelloService unavailable", extensions: new Dictionary<string, object?>
        {
            ["reason"] = result.Failure.ToString(),
            ["report"] = report,
        });
    }
}

public sealed record HelloResponse(string Message, string Instance, AttemptReport Report);

/// <summary>What the caller sees of the attempts; times in milliseconds.</summary>
public sealed record AttemptReport(string RequestId, IReadOnlyList<AttemptReportEntry> Attempts, double TotalElapsedMs, bool Reconciled)
{
    public static AttemptReport From(HelloCallReport report) => new(
        report.RequestId,
        [.. report.Attempts.Select(a => new AttemptReportEntry(a.Number, a.StatusCode, a.Error, Ms(a.Duration), Ms(a.DelayBefore), Ms(a.StartedAt)))],
        Ms(report.TotalElapsed),
        report.Reconciled);

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 1);
}

public sealed record AttemptReportEntry(int Number, int? Status, string? Error, double DurationMs, double DelayBeforeMs, double StartedAtMs);
