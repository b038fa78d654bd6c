using Microsoft.Extensions.Caching.Memory;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.HelloService.Faults.State;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>What every <see cref="IFaultStateStore"/> promises, run against the in-process one and the real store server.</summary>
public abstract class FaultStateStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected Task<IFaultStateStore> CreateAsync() => CreateAsync(StateRetention.Default);

    protected abstract Task<IFaultStateStore> CreateAsync(StateRetention retention);

    /// <summary><paramref name="count"/> views of the same state, as replicas see it (each its own connection).</summary>
    protected abstract Task<IFaultStateStore[]> CreateReplicasAsync(int count);

    [Fact]
    public async Task ObserveAsync_NoFaultsSet_ReportsNone()
    {
        var state = await CreateAsync();

        Assert.Equal(new AttemptFaults(false, null, 0, null), await state.ObserveAsync(null, false, None));
    }

    [Fact]
    public async Task ObserveAsync_ManyReplicasAtOnce_TakeExactlyTheFailNextCount()
    {
        var replicas = await CreateReplicasAsync(4);
        var state = replicas[0];
        await state.FailNextAsync(7, 429, 2, None);

        var observed = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () => await replicas[i % 4].ObserveAsync(i % 3 == 0 ? $"r{i}" : null, false, None))));

        Assert.Equal(7, observed.Count(o => o.FailNextStatus == 429 && o.FailNextRetryAfterSeconds == 2));
        Assert.Equal(33, observed.Count(o => o.FailNextStatus is null));
        Assert.Equal(0, (await state.SnapshotAsync(None)).FailNextRemaining);
    }

    [Fact]
    public async Task ObserveAsync_ReplicasThatReadTheSwitchesBefore_SeeEveryChangeOnceItsCommandReturned()
    {
        var replicas = await CreateReplicasAsync(3);
        foreach (var replica in replicas)
        {
            await replica.ObserveAsync(null, false, None); // what a replica may hold until a change
        }

        for (var round = 0; round < 6; round++)
        {
            var operatorReplica = replicas[round % 3];
            await operatorReplica.SetOutageAsync(true, None);
            Assert.All(await ObserveEachAsync(replicas), o => Assert.True(o.Outage));

            await operatorReplica.SetOutageAsync(false, None);
            Assert.All(await ObserveEachAsync(replicas), o => Assert.Equal(new AttemptFaults(false, null, 0, null), o));

            await operatorReplica.FailNextAsync(2, 500, 0, None);
            var taken = (await ObserveEachAsync(replicas)).Concat(await ObserveEachAsync(replicas));
            Assert.Equal(2, taken.Count(o => o.FailNextStatus == 500));
        }
    }

    private static async Task<AttemptFaults[]> ObserveEachAsync(IFaultStateStore[] replicas)
    {
        var observed = new AttemptFaults[replicas.Length];
        for (var i = 0; i < replicas.Length; i++)
        {
            observed[i] = await replicas[i].ObserveAsync(null, false, None);
        }

        return observed;
    }

    [Fact]
    public async Task ObserveAsync_DuringAnOutage_ReportsItAndTakesNoFailNext()
    {
        var state = await CreateAsync();
        await state.FailNextAsync(2, 500, 0, None);
        await state.SetOutageAsync(true, None);

        var during = await state.ObserveAsync(null, false, None);
        await state.SetOutageAsync(false, None);

        Assert.True(during.Outage);
        Assert.Null(during.FailNextStatus);
        Assert.Equal(new FaultStateSnapshot(false, 2, 500, 0), await state.SnapshotAsync(None));
    }

    [Fact]
    public async Task ObserveAsync_CountsAttemptsPerRequestId_WhicheverReplicaSeesThem()
    {
        var replicas = await CreateReplicasAsync(3);

        var a = new[] { await replicas[0].ObserveAsync("a", false, None), await replicas[1].ObserveAsync("a", false, None), await replicas[2].ObserveAsync("b", false, None), await replicas[2].ObserveAsync("a", false, None) };

        Assert.Equal([1, 2, 1, 3], a.Select(o => o.Attempt));
    }

    [Fact]
    public async Task ObserveAsync_NumberedRolls_OneSequenceAcrossReplicasRestartedByReset()
    {
        var replicas = await CreateReplicasAsync(3);

        var before = new[] { await replicas[0].ObserveAsync(null, true, None), await replicas[1].ObserveAsync("a", true, None), await replicas[2].ObserveAsync(null, false, None), await replicas[2].ObserveAsync(null, true, None) };
        await replicas[1].ResetAsync(None);
        var after = await replicas[2].ObserveAsync(null, true, None);

        Assert.Equal([1L, 2L, null, 3L], before.Select(o => o.Roll));
        Assert.Equal(1, before[1].Attempt);
        Assert.Equal(1L, after.Roll);
    }

    [Fact]
    public async Task ResetAsync_ClearsOutageAndFailNext()
    {
        var state = await CreateAsync();
        // Not the default status, so a reset that left the status behind would show.
        await state.FailNextAsync(3, 429, 1, None);
        await state.SetOutageAsync(true, None);

        var snapshot = await state.ResetAsync(None);

        Assert.Equal(new FaultStateSnapshot(false, 0, 503, 0), snapshot);
        Assert.Equal(new AttemptFaults(false, null, 0, null), await state.ObserveAsync(null, false, None));
    }

    [Fact]
    public async Task ObserveAsync_AfterTheAttemptCountLifetime_CountsTheRequestAfresh()
    {
        var lifetime = TimeSpan.FromMilliseconds(600);
        var state = await CreateAsync(StateRetention.Default with { AttemptCountLifetime = lifetime });
        Assert.Equal(1, (await state.ObserveAsync("r", false, None)).Attempt);
        Assert.Equal(2, (await state.ObserveAsync("r", false, None)).Attempt);
        var lastSeen = DateTimeOffset.UtcNow;

        // Each attempt keeps the count alive for the lifetime after it; once that has passed, it is gone.
        while (DateTimeOffset.UtcNow - lastSeen < lifetime * 2)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, (await state.ObserveAsync("r", false, None)).Attempt);
    }

    [Fact]
    public async Task ObserveAsync_FailNextRespecifiedWhileTaken_EveryTakeCarriesOneWholeSpec()
    {
        var replicas = await CreateReplicasAsync(4);
        await replicas[0].FailNextAsync(1000, 500, 0, None);

        // Re-specified over and over while replicas take failures: no take may pair one spec's status with another's Retry-After.
        using var stop = new CancellationTokenSource();
        var respecify = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await replicas[0].FailNextAsync(1000, i % 2 == 0 ? 429 : 500, i % 2 == 0 ? 7 : 0, None);
            }
        }, TestContext.Current.CancellationToken);
        var taken = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () => await replicas[i % 4].ObserveAsync(null, false, None))));
        await stop.CancelAsync();
        await respecify;

        Assert.All(taken, t => Assert.Contains((t.FailNextStatus, t.FailNextRetryAfterSeconds), new (int?, int)[] { (500, 0), (429, 7) }));
    }
}

[Trait("Category", "Unit")]
public sealed class InProcessFaultStateTests : FaultStateStoreContract
{
    protected override Task<IFaultStateStore> CreateAsync(StateRetention retention) =>
        Task.FromResult<IFaultStateStore>(new InProcessFaultState(new MemoryCache(new MemoryCacheOptions { SizeLimit = 1000 }), retention));

    protected override async Task<IFaultStateStore[]> CreateReplicasAsync(int count) => Enumerable.Repeat(await CreateAsync(), count).ToArray();
}

[Trait("Category", "Component")]
public sealed class RedisFaultStateTests : FaultStateStoreContract, IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A replica's fault state as HelloService builds it: read through what it holds between changes it hears.</summary>
    protected override async Task<IFaultStateStore> CreateAsync(StateRetention retention) =>
        new CachedFaultSwitches(new RedisFaultState(await _server.ConnectAsync(), retention), await _server.HearChangesAsync(), TimeProvider.System);

    protected override async Task<IFaultStateStore[]> CreateReplicasAsync(int count) => await Task.WhenAll(Enumerable.Range(0, count).Select(_ => CreateAsync()));
}
