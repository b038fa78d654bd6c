using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;
using Microsoft.AspNetCore.Mvc;
using RetryDemo.HelloService.Faults.Injection;
using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// A write with an effect, made safe to retry: with an Idempotency-Key, the first request commits
/// and records its outcome; any retry with that key replays it instead of creating again.
/// </summary>
public static class GreetingsApi
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IEndpointRouteBuilder MapGreetingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/greetings").WithTags("Greetings");

        api.MapPost("/", CreateGreeting)
            .AddEndpointFilter<FaultInjectionFilter>()
            .AddEndpointFilter<CommitFaultFilter>()
            .AcceptsFaultHeaders()
            .ReadsHeader(WireHeaders.IdempotencyKey,
                "Makes the write safe to retry: the first request with a key commits, any later one replays its outcome (409 while a claim on the key is still held, 422 for another name).")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new RequestSizeLimitAttribute(GreetingBody.MaxBytes));
        api.MapGet("/", ListGreetings);
        api.MapGet("/{id}", GetGreeting);
        api.MapGet("/by-key", GetGreetingByKey)
            .ReadsHeader(WireHeaders.RequestId, "The call this checks (ClientService's commit check): a 404 also closes the key to that call's attempts still on their way.");

        return app;
    }

    public static async Task<Results<Created<Greeting>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> CreateGreeting(
        CreateGreetingRequest body, HttpContext context, IGreetingStore store, StateRetention retention, ILogger<IGreetingStore> logger)
    {
        var errors = DataAnnotationErrors.Of(body);
        var key = context.Request.Headers[WireHeaders.IdempotencyKey];
        if (IdempotencyKeys.Problem(key) is { } keyProblem)
        {
            errors[WireHeaders.IdempotencyKey] = [keyProblem];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid greeting");
        }

        var name = body.Name!.Trim();
        // Write only for a caller still listening: an attempt already cut by its timeout must not write.
        if (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty;
        }

        return key.ToString() is { Length: > 0 } idempotencyKey
            ? await KeyedWrite.WriteAsync(name, idempotencyKey, context, store, retention, logger)
            : await store.CommitAsync(name, null, context.RequestAborted) is { } greeting ? Created(greeting) : KeyedWrite.ClaimRanOut(context);
    }

    public static async Task<Ok<GreetingList>> ListGreetings(IGreetingStore store, StateRetention retention, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(retention.ListPageSize, cancellationToken));

    public static async Task<Results<Ok<Greeting>, ProblemHttpResult>> GetGreeting(string id, IGreetingStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } greeting ? TypedResults.Ok(greeting) : NotFound("No such greeting.");

    /// <summary>
    /// Whether a write with this key was committed. The key travels as a query value, never as a path
    /// segment; with <c>name</c> (or its <c>fingerprint</c>, which ClientService sends), a key held for
    /// another name answers 422. A key still claimed answers 409: its write may yet commit, so "not found"
    /// (404) is only ever said of a key nobody holds. Asked with an <c>X-Request-Id</c> (ClientService's commit
    /// check of a call that gave up), a 404 also closes the key to that request's attempts still on their way,
    /// so the 404 stays true (<see cref="IGreetingStore.FindByKeyAndCloseAsync"/>).
    /// </summary>
    public static async Task<Results<Ok<Greeting>, ValidationProblem, ProblemHttpResult>> GetGreetingByKey(
        [FromQuery(Name = "key")] string[]? key, [FromQuery(Name = "name")] string? name, [FromQuery(Name = "fingerprint")] string? fingerprint,
        HttpRequest request, IGreetingStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        // Read as KeyedWrite reads it, every value of the header: given but not one well-formed id (empty included) is an error.
        var requestId = RequestIds.Read(request.Headers[WireHeaders.RequestId]);
        if (request.Headers.ContainsKey(WireHeaders.RequestId) && requestId is null)
        {
            errors[WireHeaders.RequestId] = [$"{WireHeaders.RequestId} must be {RequestIds.Rule}."];
        }

        // Bound as an array: a key given twice is refused, not joined into "a,b".
        if (key is not { Length: 1 } || IdempotencyKeys.Problem(key) is not null)
        {
            errors["key"] = [$"key must be 1–{IdempotencyKeys.MaxLength} visible ASCII characters, given once."];
        }

        if (name is not null && GreetingNameAttribute.Problem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if (fingerprint is not null && (name is not null || !GreetingFingerprint.IsWellFormed(fingerprint)))
        {
            errors["fingerprint"] = [$"fingerprint must be {GreetingFingerprint.Length} hexadecimal digits (the SHA-256 of the trimmed name), and not given with name."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid lookup");
        }

        var payload = name is not null ? GreetingFingerprint.Of(name.Trim()) : fingerprint?.ToUpperInvariant();
        return await FindByKeyAsync(store, key![0], payload, requestId, request.HttpContext.Response, cancellationToken) switch
        {
            IdempotencyClaim.Committed committed => TypedResults.Ok(committed.Greeting),
            IdempotencyClaim.InProgress => TypedResults.Problem("A write with this key is still in progress; it may yet commit.",
                statusCode: StatusCodes.Status409Conflict, title: "Request in progress"),
            IdempotencyClaim.Mismatch => TypedResults.Problem($"This {WireHeaders.IdempotencyKey} was used for a different greeting.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused"),
            _ => NotFound("No greeting was committed for this key, and no write with it is in progress."),
        };
    }

    // A check naming its call closes the key to it when nothing holds the key, and its 404 says whom it closed it to.
    private static async Task<IdempotencyClaim?> FindByKeyAsync(IGreetingStore store, string key, string? fingerprint, string? requestId, HttpResponse response, CancellationToken cancellationToken)
    {
        if (requestId is null)
        {
            return await store.FindByKeyAsync(key, fingerprint, cancellationToken);
        }

        var found = await store.FindByKeyAndCloseAsync(key, fingerprint, requestId, cancellationToken);
        if (found is null)
        {
            response.Headers[WireHeaders.ClosedRequestId] = requestId;
        }

        return found;
    }

    internal static Created<Greeting> Created(Greeting greeting) => TypedResults.Created($"/greetings/{greeting.Id}", greeting);

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
