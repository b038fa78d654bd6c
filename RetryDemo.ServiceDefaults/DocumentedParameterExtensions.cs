using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;
using RetryDemo.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

public static class DocumentedParameterExtensions
{
    public static TBuilder ReadsHeader<TBuilder>(this TBuilder endpoint, string name, string description, Type? valueType = null)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new DocumentedParameter(name, ParameterLocation.Header, description, valueType ?? typeof(string)));

    public static TBuilder ReadsQuery<TBuilder>(this TBuilder endpoint, string name, string description, Type? valueType = null)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(new DocumentedParameter(name, ParameterLocation.Query, description, valueType ?? typeof(string)));
}
