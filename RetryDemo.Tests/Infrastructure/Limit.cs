namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// Bounded waits: the test's own token (cancelled when the run is) linked with a limit of the wait's own,
/// so that a hang fails with a TimeoutException naming what was awaited, e.g. "hello did not become
/// healthy within 3 min", not with a bare cancellation or not at all.
/// </summary>
public static class Limit
{
    /// <param name="what">What did not happen, completed by " within {limit}".</param>
    public static async Task<T> WithinAsync<T>(TimeSpan limit, string what, Func<CancellationToken, Task<T>> wait)
    {
        var test = TestContext.Current.CancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(test);
        timeout.CancelAfter(limit);
        try
        {
            return await wait(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !test.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} within {Describe(limit)}.");
        }
    }

    /// <inheritdoc cref="WithinAsync{T}"/>
    public static Task WithinAsync(TimeSpan limit, string what, Func<CancellationToken, Task> wait) =>
        WithinAsync(limit, what, async ct =>
        {
            await wait(ct);
            return true;
        });

    /// <summary>For work already running, or that takes no token (disposal): stops waiting for it at the limit.</summary>
    public static async Task WithinAsync(TimeSpan limit, string what, Task work)
    {
        try
        {
            await work.WaitAsync(limit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} within {Describe(limit)}.");
        }
    }

    /// <summary>Until <paramref name="condition"/> holds, looked at every 20 ms: for state that changes with no event to await.</summary>
    public static Task UntilAsync(TimeSpan limit, string what, Func<bool> condition) =>
        WithinAsync(limit, what, async ct =>
        {
            while (!condition())
            {
                await Task.Delay(20, ct);
            }
        });

    public static string Describe(TimeSpan limit) =>
        limit >= TimeSpan.FromMinutes(1) && limit.Seconds == 0 ? $"{limit.TotalMinutes:0} min" : $"{limit.TotalSeconds:0.###} s";
}
