using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;

namespace RetryDemo.HelloService.Faults;

/// <summary>Decides whether a request may use fault controls; refusals are logged without the key.</summary>
public sealed class FaultControlGate(LastValidOptions<FaultControlOptions> options, ILogger<FaultControlGate> logger)
{
    /// <returns>Null when allowed, otherwise the problem to answer with.</returns>
    public ProblemHttpResult? Check(HttpContext context, string action)
    {
        var current = options.Current;
        if (!current.Enabled)
        {
            return Refuse(context, action, StatusCodes.Status404NotFound, "Fault controls are disabled on this instance (FaultControl:Enabled is false).");
        }

        if (string.IsNullOrEmpty(current.Key))
        {
            return null;
        }

        var given = context.Request.Headers[WireHeaders.FaultControlKey].ToString();
        if (given.Length == 0)
        {
            return Refuse(context, action, StatusCodes.Status401Unauthorized, $"Fault controls need the {WireHeaders.FaultControlKey} header.");
        }

        return FaultControlKeys.Matches(given, current.Key)
            ? null
            : Refuse(context, action, StatusCodes.Status403Forbidden, $"The {WireHeaders.FaultControlKey} header does not match.");
    }

    private ProblemHttpResult Refuse(HttpContext context, string action, int status, string detail)
    {
        FaultLog.ControlRefused(logger, action, detail, context.Connection.RemoteIpAddress);
        return TypedResults.Problem(detail, statusCode: status, title: "Fault control refused");
    }
}
