using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.HelloService.Replicas;
using RetryDemo.HelloService.Faults.Injection;
using RetryDemo.HelloService.Faults.Profile;

namespace RetryDemo.HelloService.Hello;

public static class HelloApi
{
    public const string Message = "Hello, World!";

    public static IEndpointRouteBuilder MapHelloApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hello", GetHello)
            .AddEndpointFilter<FaultInjectionFilter>()
            .AcceptsFaultHeaders()
            .WithName("GetHello")
            .WithSummary("Hello, World! — or the fault this request, the fault profile or an operator asks for.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

        return app;
    }

    public static Ok<HelloResponse> GetHello(HttpContext context, ServiceInstance instance) =>
        TypedResults.Ok(new HelloResponse(Message, instance.Name, AttemptFeature.Get(context)));
}
