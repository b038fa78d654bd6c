using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary><see cref="GreetingScripts.Commit"/>'s KEYS and ARGV for a batch of writes, and its answer read back.</summary>
internal static class CommitScriptCall
{
    /// <summary>
    /// The KEYS and ARGV for <paramref name="writes"/>, each under the number of the same place in <paramref name="numbers"/>,
    /// sent at <paramref name="now"/>: a key's record lives until its greeting's lifetime ends, counted from when the
    /// greeting was written, not from when its script ran (eviction counts it so, and leaves a record past its
    /// greeting's lifetime to expire by itself).
    /// </summary>
    public static (RedisKey[] Keys, RedisValue[] Values) Arguments(IReadOnlyList<CommitWrite> writes, IndexNumber[] numbers, DateTimeOffset now, StateRetention retention)
    {
        var keys = new List<RedisKey>(3 + writes.Count * 3) { StoreKeys.IndexFirst, StoreKeys.GreetingCount, StoreKeys.ListingVersion };
        var values = new List<RedisValue>(1 + writes.Count * 8) { (long)retention.ClaimLease.TotalMilliseconds };
        for (var i = 0; i < writes.Count; i++)
        {
            var (write, number) = (writes[i], numbers[i].Value);
            keys.Add(StoreKeys.Greeting(write.GreetingId));
            keys.Add(StoreKeys.IndexEntry(number));
            if (write.Claim is { } claim)
            {
                keys.Add(StoreKeys.Idempotency(claim.Key));
                values.AddRange([StoredRecords.Claim(claim), StoredRecords.Committed(claim, write.GreetingId)]);
            }
            else
            {
                values.AddRange([RedisValue.EmptyString, RedisValue.EmptyString]);
            }

            var lifeLeft = (long)Math.Max(1, (retention.Lifetime - (now - write.Written)).TotalMilliseconds);
            values.AddRange([write.GreetingRecord, write.Entry, number, write.ClaimsAsItWrites ? "claim" : RedisValue.EmptyString, write.GreetingId, lifeLeft]);
        }

        return ([.. keys], [.. values]);
    }

    /// <summary>Each write's outcome in order; null for a write whose number eviction had passed (it is sent again).</summary>
    public static CommitOutcome?[] Outcomes(RedisResult answer)
    {
        var result = (RedisResult[])answer!;
        var (count, first, outcomes) = ((long)result[0], (long)result[1], (RedisResult[])result[2]!);
        return [.. outcomes.Select<RedisResult, CommitOutcome?>(outcome => outcome.Resp2Type == ResultType.Array
            ? new CommitOutcome.Held(outcome[1], outcome[2])
            : (string?)outcome switch
            {
                "written" => new CommitOutcome.Written(count, first),
                "lost" => new CommitOutcome.Lost(),
                "passed" => null,
                var other => throw new InvalidOperationException($"The commit script answered '{other}'."),
            })];
    }
}
