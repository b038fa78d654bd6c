using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// A 409 to a request with an Idempotency-Key means an earlier request with that key is still between
/// claim and commit (the IETF Idempotency-Key draft): transient, and a retry with the same key gets its outcome.
/// </summary>
public static class IdempotencyConflict
{
    public static bool IsInProgress(HttpResponseMessage? response) =>
        response is { StatusCode: System.Net.HttpStatusCode.Conflict, RequestMessage: { } request } && request.Headers.Contains(WireHeaders.IdempotencyKey);
}
