using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Microsoft.Extensions.Hosting;

namespace RetryDemo.ServiceDefaults;

/// <summary>
/// Request bodies here are JSON, which is UTF-8 (RFC 8259). ASP.NET Core's JSON reader throws a plain
/// InvalidOperationException for a charset it cannot decode (<c>bogus</c>, <c>utf-7</c>, an empty one),
/// which would reach the caller as a 500 with a stack trace in the log; and it rejects a quoted
/// <c>charset="utf-8"</c>, which RFC 9110 allows (dotnet/aspnetcore#61514). So before any endpoint reads
/// a body: a UTF-8 charset, quoted or not, passes (unquoted), any other is a 415 naming Content-Type.
/// </summary>
public sealed class RequestCharsetMiddleware(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (contentType is not null && contentType.Contains("charset", StringComparison.OrdinalIgnoreCase))
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
                || (mediaType.Charset.HasValue && !IsUtf8(HeaderUtilities.RemoveQuotes(mediaType.Charset).ToString())))
            {
                await RefuseAsync(context);
                return;
            }

            // Other spellings of UTF-8 (quoted, utf8) are rewritten for the JSON reader; the usual charset=utf-8 passes untouched.
            if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                mediaType.Charset = "utf-8";
                context.Request.ContentType = mediaType.ToString();
            }
        }

        await next(context);
    }

    private static bool IsUtf8(string charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private async Task RefuseAsync(HttpContext context)
    {
        const string Rule = "Content-Type's charset must be utf-8: request bodies are JSON.";
        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [HeaderNames.ContentType] = [Rule] })
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type",
                Detail = Rule,
            },
        });
    }
}
