using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace RetryDemo.HelloService.Faults.Control;

/// <summary>
/// A refused fault-control request's answer: problem details (RFC 9457) serialized once per refusal and
/// written as bytes, so a stranger's flood of refused requests costs no per-request serialization. It
/// carries no trace id: the refusal is the same for everyone, and the caller has nothing to correlate.
/// </summary>
public sealed class FaultControlRefusal : IResult
{
    private readonly byte[] _body;

    private FaultControlRefusal(int status, string type, string detail)
    {
        Status = status;
        Detail = detail;
        _body = JsonSerializer.SerializeToUtf8Bytes(new ProblemDetails { Type = type, Title = "Fault control refused", Status = status, Detail = detail });
    }

    public static FaultControlRefusal Disabled { get; } = new(StatusCodes.Status404NotFound, "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        "Fault controls are disabled on this instance (FaultControl:Enabled is false).");

    public static FaultControlRefusal KeyMissing { get; } = new(StatusCodes.Status401Unauthorized, "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        $"Fault controls need the {Contracts.WireHeaders.FaultControlKey} header.");

    public static FaultControlRefusal KeyMismatch { get; } = new(StatusCodes.Status403Forbidden, "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        $"The {Contracts.WireHeaders.FaultControlKey} header does not match.");

    public int Status { get; }

    public string Detail { get; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        response.ContentLength = _body.Length;
        return response.Body.WriteAsync(_body, httpContext.RequestAborted).AsTask();
    }
}
