namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// How many attempts whose caller hung up may run on to their end at once (<see cref="AttemptLog.CallToken"/>).
/// Letting one finish keeps its pooled connection, but holds a concurrency permit and a connection for up to an
/// attempt timeout; a stranger who hangs up on purpose against a slow HelloService could fill the limit
/// with them. Past this many, a hang-up cuts its attempt at once, as before: a connection lost, nothing held.
/// </summary>
public sealed class HangUpDrains
{
    /// <summary>A few dozen: enough for ordinary hang-ups (each ends in milliseconds), a sliver of <see cref="HelloResilienceDefaults.ConcurrentCalls"/>.</summary>
    public const int Capacity = 32;

    private int _running;

    public int Running => Volatile.Read(ref _running);

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _running) <= Capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _running);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _running);
}
