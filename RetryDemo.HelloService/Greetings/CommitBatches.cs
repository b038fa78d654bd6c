using System.Diagnostics;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// This replica's writes, committed together: while one commit script is on its way, the writes that arrive
/// wait, and the next script (<see cref="GreetingScripts.Commit"/>) takes them all, numbered in one step before
/// it. A script's fixed cost, the store's and the client's, is paid once a batch; a write alone goes at once.
/// </summary>
internal sealed class CommitBatches(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention)
{
    /// <summary>The most writes one script takes: the store holds their keys while it runs.</summary>
    public const int MaxWrites = 32;

    private readonly IndexNumbers _numbers = new(redis, timeProvider);
    private readonly Lock _gate = new();
    private readonly Queue<WaitingCommit> _waiting = new();
    private bool _sending;

    /// <summary>
    /// Commits <paramref name="write"/> in the next script, or not at all (<see cref="StillToSend"/>). A store failure
    /// fails every write of a script alike: whether it ran is unknown, as for a write sent alone.
    /// </summary>
    public Task<CommitOutcome> CommitAsync(CommitWrite write, CancellationToken callerGaveUp)
    {
        var waiting = new WaitingCommit(write, callerGaveUp, Activity.Current, timeProvider.GetTimestamp(), new TaskCompletionSource<CommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            // Not in the first writer's context (a script is traced under its first write); SuppressFlow twice throws.
            using var unflowed = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            _ = Task.Run(SendWhileWaitingAsync, CancellationToken.None);
        }

        return waiting.Outcome.Task;
    }

    private async Task SendWhileWaitingAsync()
    {
        while (true)
        {
            var batch = new List<WaitingCommit>(MaxWrites);
            lock (_gate)
            {
                while (batch.Count < MaxWrites && _waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }

            try
            {
                await SendAsync(batch);
            }
            catch (Exception ex)
            {
                batch.ForEach(waiting => waiting.Outcome.TrySetException(ex)); // those completed stay so
            }
        }
    }

    private async Task SendAsync(List<WaitingCommit> batch)
    {
        batch = [.. batch.Where(StillToSend)];
        Activity.Current = batch.FirstOrDefault()?.Activity;
        var numbers = await _numbers.TakeAsync(batch.Count);
        var sending = new List<(WaitingCommit Waiting, IndexNumber Number)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (StillToSend(batch[i]))
            {
                sending.Add((batch[i], numbers[i]));
            }
            else
            {
                _numbers.GiveBack(numbers[i]);
            }
        }

        if (sending.Count == 0)
        {
            return;
        }

        var (keys, values) = CommitScriptCall.Arguments([.. sending.Select(s => s.Waiting.Write)], [.. sending.Select(s => s.Number)], timeProvider.GetUtcNow(), retention);
        var outcomes = CommitScriptCall.Outcomes(await redis.GetDatabase().ScriptEvaluateAsync(GreetingScripts.Commit, keys, values));
        for (var i = 0; i < sending.Count; i++)
        {
            var (waiting, number) = sending[i];
            if (outcomes[i] is not { } outcome)
            {
                Requeue(waiting); // eviction passed its number before the script ran: under a new one, next
                continue;
            }

            if (outcome is not CommitOutcome.Written)
            {
                _numbers.GiveBack(number); // written under by nobody: the next write takes it
            }

            waiting.Outcome.TrySetResult(outcome);
        }
    }

    /// <summary>
    /// Whether <paramref name="waiting"/> is still to be sent; if not, completed here: not once its caller gave up, nor
    /// once it waited as long as the store client waits for an answer (behind slow scripts, or for its number), which
    /// fails it as that wait would have. Sent late it could write after its caller gave up, and a stall piles them up.
    /// </summary>
    private bool StillToSend(WaitingCommit waiting)
    {
        if (waiting.CallerGaveUp.IsCancellationRequested)
        {
            waiting.Outcome.TrySetCanceled(waiting.CallerGaveUp);
            return false;
        }

        var waited = timeProvider.GetElapsedTime(waiting.Since);
        if (waited < TimeSpan.FromMilliseconds(redis.TimeoutMilliseconds))
        {
            return true;
        }

        waiting.Outcome.TrySetException(new RedisTimeoutException($"A commit waited {waited.TotalMilliseconds:0} ms to be sent; not sent.", CommandStatus.WaitingToBeSent));
        return false;
    }

    private void Requeue(WaitingCommit waiting)
    {
        lock (_gate)
        {
            _waiting.Enqueue(waiting);
        }
    }
}
