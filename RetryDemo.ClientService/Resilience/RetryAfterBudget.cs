using System.Net.Http.Headers;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// A Retry-After that cannot be honoured inside the call's budget ends the call at once instead of
/// being slept out: the standard handler would otherwise wait past its own total timeout
/// (dotnet/extensions#7701) and then fail anyway, holding the caller for nothing.
/// </summary>
public static class RetryAfterBudget
{
    /// <summary>True when the response asks for a wait above <paramref name="cap"/> or beyond what is left of <paramref name="totalTimeout"/>.</summary>
    public static bool Exceeds(HttpResponseMessage response, TimeSpan totalTimeout, TimeSpan cap, TimeProvider timeProvider)
    {
        if (Wait(response.Headers.RetryAfter, timeProvider) is not { } wait)
        {
            return false;
        }

        var elapsed = AttemptLog.Of(response.RequestMessage)?.Elapsed ?? TimeSpan.Zero;
        return wait > cap || wait >= totalTimeout - elapsed;
    }

    /// <summary>The wait a Retry-After header asks for (delta-seconds or an HTTP date), or null.</summary>
    public static TimeSpan? Wait(RetryConditionHeaderValue? retryAfter, TimeProvider timeProvider) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
