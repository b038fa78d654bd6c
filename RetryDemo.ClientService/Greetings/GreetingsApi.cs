using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.ClientService.Hello;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Greetings;

/// <summary>
/// Creates a greeting through HelloService, exactly once per logical request: the caller's
/// Idempotency-Key (or one made here, once) travels with every attempt.
/// </summary>
public static class GreetingsApi
{
    public static IEndpointRouteBuilder MapGreetingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/greetings", CreateGreeting)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(4096))
            .WithName("CreateGreeting")
            .WithSummary("Creates a greeting through HelloService exactly once, whatever the retries.")
            .ProducesHelloProblems();
        return app;
    }

    public static async Task<Results<Created<GreetingResponse>, ProblemHttpResult, ValidationProblem>> CreateGreeting(
        NewGreeting body, [AsParameters] FaultRequest faults, HelloClient client, HttpContext context)
    {
        var errors = faults.Validate();
        foreach (var (member, messages) in DataAnnotationErrors.Of(body))
        {
            errors[member] = messages;
        }

        var headers = context.Request.Headers;
        var key = headers[WireHeaders.IdempotencyKey].ToString();
        if (IdempotencyKeys.Problem(headers[WireHeaders.IdempotencyKey]) is { } keyProblem)
        {
            errors[WireHeaders.IdempotencyKey] = [keyProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid greeting request");
        }

        if (key.Length == 0)
        {
            key = Guid.NewGuid().ToString("N");
        }

        var result = await client.CreateGreetingAsync(body.Name!.Trim(), key, faults, context.RequestAborted);
        var report = AttemptReport.From(result.Report);
        if (result.Reply is { } greeting)
        {
            return TypedResults.Created($"/greetings/{greeting.Id}", new GreetingResponse(greeting.Id, greeting.Message, key, report));
        }

        // The key to retry with, when the outcome is unknown: the caller may not have chosen it.
        var problem = HelloProblems.From(result, report, context);
        problem.ProblemDetails.Extensions["idempotencyKey"] = key;
        return problem;
    }
}
