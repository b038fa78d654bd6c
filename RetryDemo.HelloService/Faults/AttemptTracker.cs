using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Memory;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Counts attempts per logical request id. Bounded (size limit, sliding expiry) so ids that never
/// come back cannot grow memory without limit; counts are per instance.
/// </summary>
public sealed class AttemptTracker(IMemoryCache cache)
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(2);

    public int NextAttempt(string requestId)
    {
        var counter = cache.GetOrCreate(("attempts", requestId), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = Expiry;
            return new StrongBox<int>();
        })!;

        return Interlocked.Increment(ref counter.Value);
    }
}
