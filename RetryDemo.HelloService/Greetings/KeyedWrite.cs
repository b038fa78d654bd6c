using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;
using RetryDemo.HelloService.Store;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// A write with an Idempotency-Key: claimed and committed in one step, or answered from what holds the key
/// (a replay, another write in progress, another name).
/// </summary>
internal static class KeyedWrite
{
    public static async Task<Results<Created<Greeting>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> WriteAsync(
        string name, string key, HttpContext context, IGreetingStore store, StateRetention retention, ILogger logger)
    {
        // An attempt of a request whose commit check already answered "not committed" must not write (a malformed
        // X-Request-Id is no request's: nothing a check closed can match it).
        var requestId = RequestIds.Read(context.Request.Headers[WireHeaders.RequestId]);
        var (found, greeting) = await store.ClaimAndCommitAsync(name, key, GreetingFingerprint.Of(name), requestId, context.RequestAborted);
        switch (found)
        {
            case IdempotencyClaim.Mismatch:
                return TypedResults.Problem($"This {WireHeaders.IdempotencyKey} was already used for a different greeting.",
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused");
            case IdempotencyClaim.InProgress inProgress:
                context.Response.Headers.RetryAfter = ClaimRetryAfter(inProgress.LeaseLeft, retention.ClaimLease);
                return TypedResults.Problem($"A request with this {WireHeaders.IdempotencyKey} is still in progress; retry.",
                    statusCode: StatusCodes.Status409Conflict, title: "Request in progress");
            case IdempotencyClaim.Closed:
                return TypedResults.Problem(
                    $"A commit check already found this request's write with this {WireHeaders.IdempotencyKey} not committed, so this late attempt of it writes nothing; send the write as a new request.",
                    statusCode: StatusCodes.Status409Conflict, title: "Request closed");
            case IdempotencyClaim.Committed committed:
                context.Response.Headers[GreetingsApi.ReplayedHeader] = "true";
                return GreetingsApi.Created(committed.Greeting);
            case IdempotencyClaim.New claim when greeting is null:
                await AbandonQuietlyAsync(store, claim, logger);
                return ClaimRanOut(context);
            default:
                return GreetingsApi.Created(greeting!);
        }
    }

    /// <summary>The claim's lease ran out before the write (a stalled store): nothing was written, and a retry may write.</summary>
    public static ProblemHttpResult ClaimRanOut(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem($"The claim on this {WireHeaders.IdempotencyKey} ran out before the write; retry.",
            statusCode: StatusCodes.Status409Conflict, title: "Request in progress");
    }

    // The claim is released so a retry can write; if the store is down too, its lease frees it.
    private static async Task AbandonQuietlyAsync(IGreetingStore store, IdempotencyClaim.New claim, ILogger logger)
    {
        try
        {
            await store.AbandonAsync(claim, CancellationToken.None);
        }
        catch (Exception ex) when (StoreFailure.Is(ex, CancellationToken.None))
        {
            StoreLog.ClaimLeftToExpire(logger);
        }
    }

    /// <summary>
    /// When to come back to a key still claimed. A claim younger than a second is most likely being written
    /// now: come back in a second. An older one most likely lost its holder (a replica that died, a claim that
    /// landed after its request gave up): come back when its lease ends, which is when the key is free again.
    /// </summary>
    private static string ClaimRetryAfter(TimeSpan leaseLeft, TimeSpan lease) =>
        lease - leaseLeft < TimeSpan.FromSeconds(1)
            ? "1"
            : Math.Max(1, (int)Math.Ceiling(leaseLeft.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
