using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;

namespace RetryDemo.ServiceDefaults;

/// <summary>
/// Turns request-binding failures (a route value that is not a number, malformed JSON, a body too
/// large) into 4xx problem details that say what was wrong, instead of the generic 500. A binding
/// failure is told by the parameter's name only: ASP.NET Core's own message carries the CLR type and
/// the raw input, which a stranger has no business reading back.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    [GeneratedRegex("^(?:Failed to bind|Failed to read|Required) parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex BindingParameter();

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        var problem = BindingParameter().Match(badRequest.Message) is { Success: true } binding
            ? Named(binding.Groups["name"].Value, badRequest)
            : new ProblemDetails { Detail = Generic(badRequest.StatusCode) };
        problem.Status = badRequest.StatusCode;
        problem.Title = "Bad request";
        // Handled whatever the caller's Accept header (FallbackProblemDetailsWriter writes when no other
        // writer will): a handler that declines leaves an error log with a stack trace behind, which a
        // stranger could then buy with every malformed request.
        await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
        return true;
    }

    // ASP.NET Core's own messages can quote the request (a Content-Type, a value); these don't.
    private static string Generic(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large for this endpoint.",
        StatusCodes.Status415UnsupportedMediaType => "The request body's media type is not supported; send application/json.",
        _ => "The request could not be read; see the endpoint's OpenAPI description.",
    };

    private static HttpValidationProblemDetails Named(string parameter, BadHttpRequestException badRequest)
    {
        var rule = badRequest.Message.Contains("request body", StringComparison.Ordinal)
            ? "The request body is not the JSON this endpoint expects."
            : badRequest.Message.StartsWith("Required", StringComparison.Ordinal)
                ? $"{parameter} is required."
                : $"{parameter} could not be read; see the endpoint's OpenAPI description for its format.";
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [parameter] = [rule] }) { Detail = rule };
    }
}
