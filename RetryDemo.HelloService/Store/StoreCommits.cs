using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Makes an acknowledged write survive the store's crash. Garnet answers a write once the commit of its
/// append-only file is issued, not done, so a <c>kill -9</c> could lose writes already answered 201
/// (its <c>--aof-commit-wait</c> stalled scripts for seconds under concurrency). So a writer waits, after
/// its write, for a <c>COMMITAOF</c> sent after that write was answered: the store answers it once the file
/// holds everything written before it. Writers that arrive while one commit is in flight share the next
/// (group commit): one commit per burst of writes, not per write.
/// </summary>
public sealed class StoreCommits(Func<Task> commit)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _committing;

    /// <summary>Commits with <c>COMMITAOF</c> on this connection, which should be used for nothing else: the store holds it while it commits.</summary>
    public StoreCommits(IConnectionMultiplexer connection)
        : this(() => connection.GetDatabase().ExecuteAsync("COMMITAOF"))
    {
    }

    /// <summary>On a connection of its own, opened by the first commit (not on start-up, which must not wait for the store).</summary>
    public static StoreCommits OnConnectionOfItsOwn(ConfigurationOptions options)
    {
        var connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options));
        return new StoreCommits(async () => await (await connection.Value).GetDatabase().ExecuteAsync("COMMITAOF"));
    }

    /// <summary>Completes once everything written before the call is in the store's append-only file.</summary>
    public Task WaitAsync()
    {
        TaskCompletionSource batch;
        bool start;
        lock (_gate)
        {
            // A commit already in flight may have been sent before this write was answered: wait for the next.
            batch = _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            start = !_committing;
            _committing = true;
        }

        if (start)
        {
            _ = CommitWhileWaitedAsync();
        }

        return batch.Task;
    }

    private async Task CommitWhileWaitedAsync()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (_gate)
            {
                if (_next is null)
                {
                    _committing = false;
                    return;
                }

                batch = _next;
                _next = null;
            }

            try
            {
                await commit();
                batch.SetResult();
            }
            catch (Exception ex)
            {
                // Each waiter decides (StoreFailure): the write happened, but whether it lasts is unknown.
                batch.SetException(ex);
            }
        }
    }
}
