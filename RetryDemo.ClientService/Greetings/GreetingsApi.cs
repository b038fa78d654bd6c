using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.ClientService.Answers;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.HelloServiceClient;
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
        var api = app.MapGroup("/greetings").WithTags("Greetings");

        api.MapPost("/", CreateGreeting)
            .AcceptsFaultParameters()
            .ReadsHeader(WireHeaders.IdempotencyKey,
                "Makes the request safe to retry: the same key returns the greeting it created, never a second one. Made here when absent, and returned in the reply.")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(GreetingBody.MaxBytes))
            .WithName("CreateGreeting")
            .WithSummary("Creates a greeting through HelloService exactly once, whatever the retries.")
            .ProducesHelloProblems();
        api.MapGet("/{id}", GetGreeting)
            .WithName("GetGreeting")
            .WithSummary("A greeting created through POST /greetings (the Location of its 201).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesHelloProblems();
        return app;
    }

    public static async Task<Results<Created<GreetingResponse>, ProblemHttpResult, ValidationProblem>> CreateGreeting(
        NewGreeting body, HelloClient client, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var faults = FaultRequest.Read(context.Request.Query, errors);
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
            return TypedResults.Created($"/greetings/{Uri.EscapeDataString(greeting.Id)}", new GreetingResponse(greeting.Id, greeting.Message, key, report));
        }

        // The key to retry with, when the outcome is unknown: the caller may not have chosen it.
        var problem = HelloProblems.From(result, report, context);
        problem.ProblemDetails.Extensions["idempotencyKey"] = key;
        return problem;
    }

    public static async Task<Results<Ok<GreetingReply>, ProblemHttpResult>> GetGreeting(string id, HelloClient client, HttpContext context)
    {
        // Ids are HelloService's own ("N" GUIDs); anything else names no greeting, and must never become a path like "..".
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit))
        {
            return TypedResults.Problem("No greeting has this id.", statusCode: StatusCodes.Status404NotFound, title: "Greeting not found");
        }

        var result = await client.GetGreetingAsync(id, context.RequestAborted);
        if (result.Reply is { } greeting)
        {
            return TypedResults.Ok(greeting);
        }

        return result is { Failure: HelloFailure.Rejected, LastStatusCode: StatusCodes.Status404NotFound }
            ? TypedResults.Problem("No greeting has this id.", statusCode: StatusCodes.Status404NotFound, title: "Greeting not found")
            : HelloProblems.From(result, AttemptReport.From(result.Report), context);
    }
}
