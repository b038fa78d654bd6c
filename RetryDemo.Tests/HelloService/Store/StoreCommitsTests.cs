using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Store;

[Trait("Category", "Unit")]
public sealed class StoreCommitsTests
{
    /// <summary>Commits that end when the test says, counted.</summary>
    private sealed class HeldCommits
    {
        private readonly List<TaskCompletionSource> _sent = [];

        public int Sent { get { lock (_sent) { return _sent.Count; } } }

        public Task Commit()
        {
            var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_sent)
            {
                _sent.Add(commit);
            }

            return commit.Task;
        }

        public void End(int index, Exception? failure = null)
        {
            TaskCompletionSource commit;
            lock (_sent)
            {
                commit = _sent[index];
            }

            if (failure is null)
            {
                commit.SetResult();
            }
            else
            {
                commit.SetException(failure);
            }
        }

        public async Task SentAsync(int count) =>
            await Limit.WithinAsync(TimeSpan.FromSeconds(10), $"commit {count} was never sent", async ct =>
            {
                while (Sent < count)
                {
                    await Task.Delay(5, ct);
                }
            });
    }

    [Fact]
    public async Task WaitAsync_NoCommitInFlight_SendsOneAndCompletesWithIt()
    {
        var held = new HeldCommits();
        var commits = new StoreCommits(held.Commit);

        var wait = commits.WaitAsync();
        await held.SentAsync(1);
        Assert.False(wait.IsCompleted);

        held.End(0);
        await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, held.Sent);
    }

    [Fact]
    public async Task WaitAsync_WhileACommitIsInFlight_WaitsForTheNextOne()
    {
        var held = new HeldCommits();
        var commits = new StoreCommits(held.Commit);
        var first = commits.WaitAsync();
        await held.SentAsync(1);

        // This write was answered after the commit in flight was sent, so that commit may not cover it.
        var second = commits.WaitAsync();
        held.End(0);
        await first.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await held.SentAsync(2);
        Assert.False(second.IsCompleted);

        held.End(1);
        await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task WaitAsync_ManyWritersDuringOneCommit_ShareTheNextCommit()
    {
        var held = new HeldCommits();
        var commits = new StoreCommits(held.Commit);
        var first = commits.WaitAsync();
        await held.SentAsync(1);

        var waiting = Enumerable.Range(0, 50).Select(_ => commits.WaitAsync()).ToArray();
        held.End(0);
        await held.SentAsync(2);
        held.End(1);
        await Task.WhenAll(waiting.Append(first)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(2, held.Sent);
    }

    [Fact]
    public async Task WaitAsync_CommitFails_FailsItsWaitersAndTheNextCommitIsSent()
    {
        var held = new HeldCommits();
        var commits = new StoreCommits(held.Commit);
        var failed = commits.WaitAsync();
        await held.SentAsync(1);
        held.End(0, new RedisTimeoutException("the store did not answer", CommandStatus.Sent));

        await Assert.ThrowsAsync<RedisTimeoutException>(() => failed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        var next = commits.WaitAsync();
        await held.SentAsync(2);
        held.End(1);
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}

[Trait("Category", "Component")]
public sealed class StoreCommitsOnTheStoreTests
{
    /// <summary>Garnet, under a password, takes COMMITAOF from HelloService's kind of connection (no admin mode).</summary>
    [Fact]
    public async Task WaitAsync_OnGarnet_IsAnswered()
    {
        await using var server = await StoreServer.StartAsync();
        var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        await connection.GetDatabase().StringSetAsync("durable", "yes");

        await new StoreCommits(connection).WaitAsync().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await connection.DisposeAsync();
    }
}
