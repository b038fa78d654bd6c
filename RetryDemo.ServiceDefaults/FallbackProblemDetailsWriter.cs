using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace RetryDemo.ServiceDefaults;

/// <summary>
/// Writes problem details as JSON when no other writer will, whatever the caller's Accept header: a
/// caller asking for text/html still gets RFC 9457 problem details, not status-code text or an empty body.
/// Registered after <c>AddProblemDetails</c>, so the default writer still goes first.
/// </summary>
public sealed class FallbackProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context) =>
        new(context.HttpContext.Response.WriteAsJsonAsync(context.ProblemDetails, context.ProblemDetails.GetType(), options: null, contentType: "application/problem+json"));
}
