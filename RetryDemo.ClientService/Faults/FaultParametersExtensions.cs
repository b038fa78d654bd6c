using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.ClientService.Faults;

public static class FaultParametersExtensions
{
    public static IHostApplicationBuilder AddFaultForwarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FaultForwardingOptions>().BindConfiguration(FaultForwardingOptions.SectionName);
        builder.Services.AddSingleton<FaultForwardingGate>();
        return builder;
    }

    /// <summary>
    /// Lets an endpoint take fault parameters, behind <see cref="FaultForwardingGate"/>. The handlers read
    /// them from the query themselves (after the gate), so they are documented from the contract's descriptors.
    /// </summary>
    public static RouteHandlerBuilder AcceptsFaultParameters(this RouteHandlerBuilder endpoint)
    {
        endpoint.AddEndpointFilter<FaultForwardingGate>().ProducesProblem(StatusCodes.Status403Forbidden);
        foreach (var setting in FaultSettings.All)
        {
            endpoint.ReadsQuery(setting.Query, setting.Documentation, setting.ValueType);
        }

        return endpoint.ReadsHeader(WireHeaders.FaultControlKey,
            "The fault-control key; outside Development, fault parameters are forwarded only with it (else 403).");
    }
}
