using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;
using RetryDemo.HelloService.Faults;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// A write with an effect, made safe to retry: with an Idempotency-Key, the first request commits
/// and records its outcome; any retry with that key replays it instead of creating again.
/// </summary>
public static class GreetingsApi
{
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxBodyBytes = 4096;

    public static IEndpointRouteBuilder MapGreetingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/greetings").WithTags("Greetings");

        api.MapPost("/", CreateGreeting)
            .AddEndpointFilter<FaultInjectionFilter>()
            .WithMetadata(AcceptsFaultHeaders.Instance)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));
        api.MapGet("/", ListGreetings);
        api.MapGet("/{id}", GetGreeting);
        api.MapGet("/by-key/{key}", GetGreetingByKey);

        return app;
    }

    public static async Task<Results<Created<Greeting>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> CreateGreeting(
        CreateGreetingRequest body, HttpContext context, GreetingStore store, FaultDice dice, TimeProvider timeProvider, ILogger<GreetingStore> logger)
    {
        var errors = Validate(body);
        var key = context.Request.Headers[WireHeaders.IdempotencyKey].ToString();
        if (IdempotencyKeys.Problem(context.Request.Headers[WireHeaders.IdempotencyKey]) is { } keyProblem)
        {
            errors[WireHeaders.IdempotencyKey] = [keyProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid greeting");
        }

        var name = body.Name!.Trim();
        var ct = context.RequestAborted;
        IdempotencyRecord? record = null;
        if (key.Length > 0)
        {
            var claim = store.Claim(key, Fingerprint(name));
            switch (claim.Kind)
            {
                case IdempotencyClaimKind.Mismatch:
                    return TypedResults.Problem($"{WireHeaders.IdempotencyKey} '{key}' was already used for a different greeting.",
                        statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
                case IdempotencyClaimKind.Full:
                    return TypedResults.Problem("The idempotency store is full; try again later.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store full");
                case IdempotencyClaimKind.Existing:
                    return await ReplayAsync(claim.Record!, context);
            }

            record = claim.Record;
        }

        // Commit only for a caller still listening: an attempt already cut by its timeout must not write.
        if (ct.IsCancellationRequested)
        {
            if (record is not null)
            {
                store.Abandon(key, record);
            }

            return TypedResults.Empty;
        }

        var greeting = store.Commit(name, record);
        if (greeting is null)
        {
            if (record is not null)
            {
                store.Abandon(key, record);
            }

            return TypedResults.Problem("The greeting store is full.", statusCode: StatusCodes.Status507InsufficientStorage, title: "Store full");
        }

        return await AfterCommitAsync(greeting, key, context, dice, timeProvider, logger);
    }

    public static Ok<GreetingList> ListGreetings(GreetingStore store) =>
        TypedResults.Ok(new GreetingList(store.Count, [.. store.All.OrderByDescending(g => g.CreatedAt).Take(100)]));

    public static Results<Ok<Greeting>, ProblemHttpResult> GetGreeting(string id, GreetingStore store) =>
        store.Find(id) is { } greeting ? TypedResults.Ok(greeting) : NotFound($"No greeting {id}.");

    public static Results<Ok<Greeting>, ProblemHttpResult> GetGreetingByKey(string key, GreetingStore store) =>
        store.FindByKey(key) is { } greeting ? TypedResults.Ok(greeting) : NotFound($"No greeting was committed for key '{key}'.");

    // Faults that strike after the write: the reply is lost (503) or late (beyond the caller's attempt timeout).
    private static async Task<Results<Created<Greeting>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> AfterCommitAsync(
        Greeting greeting, string key, HttpContext context, FaultDice dice, TimeProvider timeProvider, ILogger logger)
    {
        var faults = context.Features.Get<AttemptFeature>()?.Options;
        if (faults is { CommitFailRate: > 0 } && dice.Roll() < faults.CommitFailRate)
        {
            FaultLog.CommitFaultInjected(logger, "commit-then-fail", greeting.Id, key);
            return TypedResults.Problem("Committed, then failed on purpose.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Injected fault");
        }

        if (faults is { CommitDelayRate: > 0, CommitDelayMs: > 0 } && dice.Roll() < faults.CommitDelayRate)
        {
            FaultLog.CommitFaultInjected(logger, "commit-then-delay", greeting.Id, key);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(faults.CommitDelayMs), timeProvider, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return TypedResults.Empty;
            }
        }

        return TypedResults.Created($"/greetings/{greeting.Id}", greeting);
    }

    private static async Task<Results<Created<Greeting>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> ReplayAsync(IdempotencyRecord record, HttpContext context)
    {
        try
        {
            // Usually already complete; if the first request is still writing, wait for its outcome.
            var greeting = await record.Outcome.Task.WaitAsync(context.RequestAborted);
            context.Response.Headers[ReplayedHeader] = "true";
            return TypedResults.Created($"/greetings/{greeting.Id}", greeting);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Problem("The first request with this key was abandoned; retry.", statusCode: StatusCodes.Status409Conflict, title: "Retry");
        }
        catch (OperationCanceledException)
        {
            return TypedResults.Empty;
        }
    }

    private static Dictionary<string, string[]> Validate(CreateGreetingRequest body) => DataAnnotationErrors.Of(body);

    private static string Fingerprint(string name) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
