using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Endpoint metadata for a request header the handler reads itself (outside parameter binding, so it
/// can answer problem details in its own words); <see cref="Document"/> puts it in the OpenAPI document.
/// </summary>
public sealed record HeaderParameter(string Name, string Description, JsonSchemaType Type = JsonSchemaType.String)
{
    internal static void Document(OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<HeaderParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = false,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = header.Type },
            });
        }

        return Task.CompletedTask;
    });
}

public static class HeaderParameterExtensions
{
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder endpoint, string name, string description, JsonSchemaType type = JsonSchemaType.String)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new HeaderParameter(name, description, type));
}
