using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>What the commit script (<see cref="GreetingScripts.Commit"/>) did with one write.</summary>
internal abstract record CommitOutcome
{
    private CommitOutcome()
    {
    }

    /// <summary>Written: the index's count and first number once its script was done, for eviction.</summary>
    public sealed record Written(long Count, long First) : CommitOutcome;

    /// <summary>Not written: the key was someone else's, with this record for this much longer (ms).</summary>
    public sealed record Held(RedisResult Record, RedisResult LeaseLeftMs) : CommitOutcome;

    /// <summary>Not written: the claim made before no longer held the key.</summary>
    public sealed record Lost : CommitOutcome;
}
