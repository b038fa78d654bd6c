using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Endpoint metadata for a header or query parameter the handler (or a filter) reads itself, outside
/// parameter binding, so it can answer problem details in its own words; <see cref="Document"/> puts
/// every such parameter in the OpenAPI document, which cannot see them otherwise.
/// </summary>
public sealed record DocumentedParameter(string Name, ParameterLocation In, string Description, JsonSchemaType Type = JsonSchemaType.String)
{
    internal static void Document(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        foreach (var parameter in context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = parameter.In,
                Required = false,
                Description = parameter.Description,
                Schema = new OpenApiSchema { Type = parameter.Type },
            });
        }

        return Task.CompletedTask;
    });
}

public static class DocumentedParameterExtensions
{
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder endpoint, string name, string description, JsonSchemaType type = JsonSchemaType.String)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new DocumentedParameter(name, ParameterLocation.Header, description, type));

    public static TBuilder ReadsQuery<TBuilder>(this TBuilder endpoint, string name, string description, JsonSchemaType type = JsonSchemaType.String)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new DocumentedParameter(name, ParameterLocation.Query, description, type));
}
