using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.ClientService.Answers;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.ClientService.Hello;

/// <summary>
/// Hello, World! from HelloService, through the tuned resilience pipeline: the answer carries the report of
/// every attempt, and a failure is a problem that says why the call ended.
/// </summary>
public static class HelloApi
{
    public static IEndpointRouteBuilder MapHelloApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hello", GetHello)
            .AcceptsFaultParameters()
            .WithName("GetHello")
            .WithSummary("Calls HelloService through the tuned resilience pipeline and reports every attempt.")
            .ProducesHelloProblems();
        app.MapGet("/hello/hedged", GetHelloHedged)
            .AcceptsFaultParameters()
            .WithName("GetHelloHedged")
            .WithSummary("Calls HelloService through the hedging pipeline: a second attempt beside a slow first one, the first answer wins; reports every attempt.")
            .ProducesHelloProblems();
        return app;
    }

    public static Task<Results<Ok<HelloResponse>, ProblemHttpResult, ValidationProblem>> GetHello(HelloClient client, HttpContext context) =>
        AnswerAsync(client.GetHelloAsync, context);

    public static Task<Results<Ok<HelloResponse>, ProblemHttpResult, ValidationProblem>> GetHelloHedged(HelloClient client, HttpContext context) =>
        AnswerAsync(client.GetHelloHedgedAsync, context);

    private static async Task<Results<Ok<HelloResponse>, ProblemHttpResult, ValidationProblem>> AnswerAsync(
        Func<FaultValues, CancellationToken, Task<HelloCallResult<HelloReply>>> call, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var faults = FaultRequest.Read(context.Request.Query, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid fault request");
        }

        var result = await call(faults, context.RequestAborted);
        var report = AttemptReport.From(result.Report);
        return result.Reply is { } reply
            ? TypedResults.Ok(new HelloResponse(reply.Message, reply.Instance, report))
            : HelloProblems.From(result, report, context);
    }
}
