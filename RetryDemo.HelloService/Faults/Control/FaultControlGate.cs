using RetryDemo.Contracts;
using RetryDemo.ServiceDefaults;

namespace RetryDemo.HelloService.Faults.Control;

/// <summary>Decides whether a request may use fault controls; refusals are logged without the key.</summary>
public sealed class FaultControlGate(LastValidOptions<FaultControlOptions> options, ILogger<FaultControlGate> logger)
{
    /// <returns>Null when allowed, otherwise the problem to answer with.</returns>
    public FaultControlRefusal? Check(HttpContext context, string action)
    {
        var current = options.Current;
        if (!current.Enabled)
        {
            return Refuse(context, action, FaultControlRefusal.Disabled);
        }

        if (string.IsNullOrEmpty(current.Key))
        {
            return null;
        }

        var given = context.Request.Headers[WireHeaders.FaultControlKey].ToString();
        if (given.Length == 0)
        {
            return Refuse(context, action, FaultControlRefusal.KeyMissing);
        }

        return FaultControlKeys.Matches(given, current.Key)
            ? null
            : Refuse(context, action, FaultControlRefusal.KeyMismatch);
    }

    private FaultControlRefusal Refuse(HttpContext context, string action, FaultControlRefusal refusal)
    {
        FaultControlLog.ControlRefused(logger, action, refusal.Detail, context.Connection.RemoteIpAddress);
        return refusal;
    }
}
