using Microsoft.Extensions.Options;
using RetryDemo.Contracts;
using RetryDemo.ClientService.HelloServiceClient;

namespace RetryDemo.ClientService.Faults;

/// <summary>
/// Keeps ClientService from lending its fault-control key: outside Development, fault parameters are
/// forwarded only for a caller who presents the key itself. Anyone else gets 403 before anything is
/// parsed or sent, so HelloService never sees the request.
/// </summary>
public sealed class FaultForwardingGate(
    IHostEnvironment environment,
    IOptions<FaultForwardingOptions> forwarding,
    IOptions<HelloClientOptions> hello,
    ILogger<FaultForwardingGate> logger) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var named = FaultRequest.Named(context.Request.Query);
        if (named.Count == 0 || environment.IsDevelopment() || forwarding.Value.AllowCallersWithoutKey
            || hello.Value.FaultControlKey is { Length: > 0 } key && FaultControlKeys.Matches(context.Request.Headers[WireHeaders.FaultControlKey].ToString(), key))
        {
            return next(invocation);
        }

        FaultForwardingLog.Refused(logger, named.Count);
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            $"The fault parameters {string.Join(", ", named)} are accepted only with the {WireHeaders.FaultControlKey} header.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Fault parameters need the fault-control key",
            extensions: new Dictionary<string, object?> { ["parameters"] = named }));
    }
}
