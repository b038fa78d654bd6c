using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Makes an acknowledged write survive the store's crash. Garnet answers a write before the commit of its
/// append-only file is done (the store commits every 5 ms or so), so a <c>kill -9</c> could lose writes already
/// answered 201 (its <c>--aof-commit-wait</c> stalled scripts for seconds under concurrency). So a writer waits, after
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

    // The connection of its own, when it has one: opened by Connect, or else by the first commit.
    private readonly Lazy<Task<ConnectionMultiplexer>>? _own;

    private StoreCommits(Lazy<Task<ConnectionMultiplexer>> own)
        : this(async () => await (await own.Value).GetDatabase().ExecuteAsync("COMMITAOF")) => _own = own;

    /// <summary>On a connection of its own, opened by <see cref="Connect"/> or by the first commit.</summary>
    public static StoreCommits OnConnectionOfItsOwn(ConfigurationOptions options) =>
        new(new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(options)));

    /// <summary>Starts opening its own connection, without waiting for it (<see cref="StoreConnectionAtStart"/> waits).</summary>
    public void Connect() => _ = _own?.Value;

    /// <summary>Whether a commit can be sent now: its own connection is up, or it has none of its own.</summary>
    public bool IsConnected => _own is null || (_own.IsValueCreated && _own.Value is { IsCompletedSuccessfully: true } opened && opened.Result.IsConnected);

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
