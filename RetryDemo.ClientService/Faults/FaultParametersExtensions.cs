using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.ClientService.Faults;

public static class FaultParametersExtensions
{
    public static IHostApplicationBuilder AddFaultForwarding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FaultForwardingOptions>().BindConfiguration(FaultForwardingOptions.SectionName);
        builder.Services.AddSingleton<FaultForwardingGate>();

        // The handlers read the fault parameters from the query themselves (after the gate), so the
        // OpenAPI generator cannot see them: they are described here, from the contract's descriptors.
        builder.Services.Configure<OpenApiOptions>("v1", options => options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<FaultQueryMetadata>().Any())
            {
                operation.Parameters ??= [];
                foreach (var setting in FaultSettings.All)
                {
                    operation.Parameters.Add(Parameter(setting.Query, ParameterLocation.Query, SchemaFor(setting.Kind), setting.Documentation));
                }

                operation.Parameters.Add(Parameter(WireHeaders.FaultControlKey, ParameterLocation.Header, JsonSchemaType.String,
                    "The fault-control key; outside Development, fault parameters are forwarded only with it (else 403)."));
            }

            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Lets an endpoint take fault parameters, behind <see cref="FaultForwardingGate"/>.</summary>
    public static RouteHandlerBuilder AcceptsFaultParameters(this RouteHandlerBuilder endpoint) => endpoint
        .AddEndpointFilter<FaultForwardingGate>()
        .WithMetadata(FaultQueryMetadata.Instance)
        .ProducesProblem(StatusCodes.Status403Forbidden);

    internal static OpenApiParameter Parameter(string name, ParameterLocation location, JsonSchemaType type, string description) => new()
    {
        Name = name,
        In = location,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = type },
    };

    private static JsonSchemaType SchemaFor(FaultValueKind kind) => kind switch
    {
        FaultValueKind.Boolean => JsonSchemaType.Boolean,
        FaultValueKind.Probability => JsonSchemaType.Number,
        _ => JsonSchemaType.Integer,
    };
}
