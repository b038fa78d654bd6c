using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.Extensions.Hosting;

namespace RetryDemo.ServiceDefaults;

/// <summary>
/// Endpoint metadata for a header or query parameter the handler (or a filter) reads itself, outside
/// parameter binding, so it can answer problem details in its own words; <see cref="Document"/> puts
/// every such parameter in the OpenAPI document, which cannot see them otherwise.
/// </summary>
/// <param name="ValueType">The CLR type the handler parses the value into; the document gives its JSON schema type.</param>
public sealed record DocumentedParameter(string Name, ParameterLocation In, string Description, Type ValueType)
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
                Schema = new OpenApiSchema { Type = SchemaType(parameter.ValueType) },
            });
        }

        return Task.CompletedTask;
    });

    private static JsonSchemaType SchemaType(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => JsonSchemaType.Boolean,
        TypeCode.Double or TypeCode.Single or TypeCode.Decimal => JsonSchemaType.Number,
        TypeCode.Int32 or TypeCode.Int64 or TypeCode.Int16 or TypeCode.Byte => JsonSchemaType.Integer,
        _ => JsonSchemaType.String,
    };
}
