using System.Diagnostics;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// This replica's writes, committed together: while one commit script is on its way to the store, the writes
/// that arrive wait, and the next script (<see cref="GreetingScripts.Commit"/>) takes them all, their numbers
/// taken in one step before it. The store's fixed cost of a script (its transaction over the keys, the command)
/// and the client's are paid once a batch; a write alone goes at once, as before.
/// </summary>
internal sealed class CommitBatches(IConnectionMultiplexer redis, TimeProvider timeProvider, StateRetention retention)
{
    /// <summary>The most writes one script takes: the store holds their keys while it runs.</summary>
    public const int MaxWrites = 32;

    private readonly IndexNumbers _numbers = new(redis, timeProvider);
    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];
    private bool _sending;

    /// <summary>
    /// Commits <paramref name="write"/> in the next script. A store failure fails every write of that script alike:
    /// whether the script ran is unknown, as for a write sent alone.
    /// </summary>
    public Task<CommitOutcome> CommitAsync(CommitWrite write)
    {
        var waiting = new Waiting(write, Activity.Current, timeProvider.GetTimestamp(), new TaskCompletionSource<CommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _waiting.Add(waiting);
            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            // Without the first writer's context: each script is traced under the first write it carries.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(SendWhileWaitingAsync);
            }
        }

        return waiting.Outcome.Task;
    }

    private async Task SendWhileWaitingAsync()
    {
        while (true)
        {
            Waiting[] batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }

                batch = [.. _waiting.Take(MaxWrites)];
                _waiting.RemoveRange(0, batch.Length);
            }

            batch = FailThoseWaitingTooLong(batch);
            if (batch.Length == 0)
            {
                continue;
            }

            Activity.Current = batch[0].Activity;
            try
            {
                await SendAsync(batch);
            }
            catch (Exception ex)
            {
                foreach (var waiting in batch)
                {
                    waiting.Outcome.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// A write that waited behind a script the store did not answer for as long as the store client waits for an
    /// answer fails as that wait would have, unsent: sent late it could write after its caller had given up, and
    /// while the store stalls the writes waiting would pile up.
    /// </summary>
    private Waiting[] FailThoseWaitingTooLong(Waiting[] batch)
    {
        var timeout = TimeSpan.FromMilliseconds(redis.TimeoutMilliseconds);
        foreach (var waiting in batch.Where(w => timeProvider.GetElapsedTime(w.Since) >= timeout))
        {
            waiting.Outcome.TrySetException(new RedisTimeoutException(
                $"Waited {timeProvider.GetElapsedTime(waiting.Since).TotalMilliseconds:0} ms behind a commit script the store had not answered; not sent.", CommandStatus.WaitingToBeSent));
        }

        return [.. batch.Where(w => !w.Outcome.Task.IsCompleted)];
    }

    private async Task SendAsync(Waiting[] batch)
    {
        var numbers = await _numbers.TakeAsync(batch.Length);
        var (keys, values) = CommitScriptCall.Arguments([.. batch.Select(w => w.Write)], numbers, retention);
        var outcomes = CommitScriptCall.Outcomes(await redis.GetDatabase().ScriptEvaluateAsync(GreetingScripts.Commit, keys, values));
        var passed = new List<Waiting>();
        for (var i = 0; i < batch.Length; i++)
        {
            if (outcomes[i] is not { } outcome)
            {
                passed.Add(batch[i]); // eviction passed its number before the script ran: under a new number, next
                continue;
            }

            if (outcome is not CommitOutcome.Written)
            {
                _numbers.GiveBack(numbers[i]); // written under by nobody: the next write takes it
            }

            batch[i].Outcome.TrySetResult(outcome);
        }

        if (passed.Count > 0)
        {
            lock (_gate)
            {
                _waiting.InsertRange(0, passed);
            }
        }
    }

    /// <summary>A write waiting for its script, since <paramref name="Since"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    private sealed record Waiting(CommitWrite Write, Activity? Activity, long Since, TaskCompletionSource<CommitOutcome> Outcome);
}
