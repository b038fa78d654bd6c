using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Documents the fault headers, which a filter reads (so the OpenAPI generator cannot see them): the
/// per-request <c>X-Fault-*</c> overrides on endpoints marked <see cref="AcceptsFaultHeaders"/>, and the
/// fault-control key on those marked <see cref="RequiresFaultControlKey"/>.
/// </summary>
public static class FaultsOpenApi
{
    private static readonly (string Name, JsonSchemaType Type, string Description)[] FaultHeaders =
    [
        (WireHeaders.RequestId, JsonSchemaType.String,
            "The logical call's id, the same on every attempt; fail-first counts attempts per id. A malformed one is ignored, unless X-Fault-Fail-First needs it."),
        .. FaultSettings.All.Select(setting => (setting.Header, SchemaFor(setting.Kind), setting.Documentation)),
    ];

    private static JsonSchemaType SchemaFor(FaultValueKind kind) => kind switch
    {
        FaultValueKind.Boolean => JsonSchemaType.Boolean,
        FaultValueKind.Probability => JsonSchemaType.Number,
        _ => JsonSchemaType.Integer,
    };

    public static IHostApplicationBuilder AddFaultsOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<OpenApiOptions>("v1", options => options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<AcceptsFaultHeaders>().Any())
            {
                foreach (var (name, type, description) in FaultHeaders)
                {
                    Add(operation, name, type, description);
                }
            }

            if (metadata.OfType<AcceptsFaultHeaders>().Any() || metadata.OfType<RequiresFaultControlKey>().Any())
            {
                Add(operation, WireHeaders.FaultControlKey, JsonSchemaType.String,
                    "Unlocks fault controls (required outside Development, and for the X-Fault-* headers when a key is configured).");
            }

            return Task.CompletedTask;
        }));
        return builder;
    }

    private static void Add(OpenApiOperation operation, string name, JsonSchemaType type, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = false,
            Description = description,
            Schema = new OpenApiSchema { Type = type },
        });
    }
}
