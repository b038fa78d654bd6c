using Microsoft.AspNetCore.Mvc;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// A store that cannot answer is a transient failure of this service: 503 problem details with
/// Retry-After, so callers retry (ClientService does) — never a bare 500, never a hang (the store
/// client's timeouts are shorter than ClientService's attempt timeout). Caught here, inside the
/// exception handler, so an expected outage costs one log line per request, not a stack trace.
/// </summary>
public sealed class StoreUnavailableMiddleware(RequestDelegate next, IProblemDetailsService problemDetails, ILogger<StoreUnavailableMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (StoreFailure.Is(ex, context.RequestAborted) && !context.Response.HasStarted)
        {
            StoreLog.Unavailable(logger, context.Request.Method, context.Request.Path, ex.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await problemDetails.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Store unavailable",
                    Detail = "HelloService's shared store did not answer, so this request's outcome is unknown. Retry shortly (a write with the same Idempotency-Key: it is never applied twice).",
                },
            });
        }
    }
}
