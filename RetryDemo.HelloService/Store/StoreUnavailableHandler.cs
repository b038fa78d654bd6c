using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// A store that cannot answer is a transient failure of this service: 503 problem details with
/// Retry-After, so callers retry (ClientService does) — never a bare 500, never a hang (the store
/// client's timeouts are shorter than ClientService's attempt timeout).
/// </summary>
public sealed class StoreUnavailableHandler(IProblemDetailsService problemDetails, ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreFailure.Is(exception))
        {
            return false;
        }

        StoreLog.Unavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Store unavailable",
                Detail = "HelloService's shared store did not answer; nothing was changed. Retry shortly.",
            },
        });
    }
}
