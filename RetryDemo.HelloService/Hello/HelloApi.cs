using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.HelloService.Faults;

namespace RetryDemo.HelloService.Hello;

public static class HelloApi
{
    public const string Message = "Hello, World!";

    public static IEndpointRouteBuilder MapHelloApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hello", GetHello)
            .AddEndpointFilter<FaultInjectionFilter>()
            .WithName("GetHello");

        return app;
    }

    public static Ok<HelloResponse> GetHello(HttpContext context, ServiceInstance instance) =>
        TypedResults.Ok(new HelloResponse(Message, instance.Name, AttemptFeature.Get(context)));
}

/// <param name="Attempt">Which attempt of the logical request this was; counted only while fail-first is on.</param>
public sealed record HelloResponse(string Message, string Instance, int? Attempt);
