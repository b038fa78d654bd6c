using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// An unsafe request (POST, PUT, PATCH, DELETE) may be retried only when it carries an
/// Idempotency-Key, so the server can tell a retry from a new request; without one, a retry after a
/// lost reply would repeat the effect.
/// </summary>
public static class UnsafeMethodRetry
{
    public static bool IsAllowed(HttpRequestMessage? request) =>
        request is null
        || !(request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch || request.Method == HttpMethod.Delete)
        || request.Headers.Contains(WireHeaders.IdempotencyKey);
}
