using Microsoft.Extensions.Time.Testing;
using RetryDemo.Contracts;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>
/// The store's index as numbered entries (<see cref="StoreKeys.IndexEntry"/>), on the real store: what it holds,
/// and the gaps left by numbers taken by writes that wrote nothing.
/// </summary>
[Trait("Category", "Component")]
public sealed class RedisGreetingIndexTests : IAsyncLifetime
{
    private static readonly StateRetention Small = StateRetention.Default with { Capacity = 5, ListPageSize = 3 };
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<RedisGreetingStore> StoreAsync(StateRetention retention, TimeProvider? time = null) =>
        new(await _server.ConnectAsync(), new StoreCommits(await _server.ConnectAsync()), time ?? TimeProvider.System, retention);

    /// <summary>
    /// Garnet 2.2.12's log compaction failed on object records (lists, sorted sets, hashes) within minutes of
    /// keyed writes, and ran with strings alone (docs/benchmarks.md): every kind of write HelloService makes
    /// leaves only strings in the store.
    /// </summary>
    [Fact]
    public async Task Keys_AfterEveryKindOfWrite_AreAllStrings()
    {
        var store = await StoreAsync(Small);
        for (var i = 0; i < 8; i++)
        {
            await store.ClaimAndCommitAsync($"n{i}", $"key-{i}", GreetingFingerprint.Of($"n{i}"), requestId: null, Token); // past capacity: evicts
            await store.ClaimAndCommitAsync($"n{i}", $"key-{i}", GreetingFingerprint.Of($"n{i}"), requestId: null, Token); // a replay
            await store.CommitAsync($"plain{i}", null, Token);
        }

        var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("claimed", "fp", Token));
        await store.AbandonAsync(claim, Token);
        await store.ClaimAsync("left-claimed", "fp", Token);
        await store.ListAsync(3, Token);
        var faults = new RedisFaultState(await _server.ConnectAsync(), Small);
        await faults.SetOutageAsync(true, Token);
        await faults.FailNextAsync(3, 503, 1, Token);
        await faults.SetOutageAsync(false, Token);
        await faults.ObserveAsync("request", numberRoll: true, Token);

        var connection = await _server.ConnectAsync();
        var server = connection.GetServers().Single();
        var types = new Dictionary<string, RedisType>();
        await foreach (var key in server.KeysAsync(pattern: "retrydemo:*"))
        {
            types[key.ToString()] = await connection.GetDatabase().KeyTypeAsync(key);
        }

        Assert.Contains(types.Keys, key => key.StartsWith(StoreKeys.IndexEntryPrefix, StringComparison.Ordinal));
        Assert.Contains(StoreKeys.FailNextRemaining.ToString(), types.Keys);
        Assert.All(types, pair => Assert.True(pair.Value == RedisType.String, $"{pair.Key} is a {pair.Value}"));
    }

    /// <summary>
    /// A replay takes a number and writes nothing under it; given back, it is taken again only within a second, so
    /// replays a second or more apart each leave a gap. Eviction passes such gaps, however many (here 300 behind
    /// the oldest greeting, more than a step of 256), and still takes only what is over capacity, oldest first;
    /// the listing reads past 300 more to the newest page.
    /// </summary>
    [Fact]
    public async Task CommitAsync_PastTheCapacityBehindAndBeneathManyGaps_EvictsTheOldestAndListsTheNewest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await StoreAsync(Small, time);
        var ada = (await store.ClaimAndCommitAsync("Ada", "replayed", GreetingFingerprint.Of("Ada"), requestId: null, Token)).Created!;
        await ReplayAsync(store, "Ada", "replayed", 300, time);
        var newer = new List<Greeting>();
        for (var i = 0; i < Small.Capacity - 1; i++)
        {
            newer.Add((await store.CommitAsync($"n{i}", null, Token))!);
        }

        newer.Add((await store.ClaimAndCommitAsync("Grace", "newest", GreetingFingerprint.Of("Grace"), requestId: null, Token)).Created!); // over capacity: Ada leaves
        await ReplayAsync(store, "Grace", "newest", 300, time);
        var last = (await store.CommitAsync("last", null, Token))!; // over again: past 300 gaps to n0

        var list = await (await StoreAsync(Small)).ListAsync(3, Token);

        Assert.Null(await store.FindAsync(ada.Id, Token));
        Assert.Null(await store.FindByKeyAsync("replayed", GreetingFingerprint.Of("Ada"), Token));
        Assert.Null(await store.FindAsync(newer[0].Id, Token));
        foreach (var greeting in newer[1..].Append(last))
        {
            Assert.Equal(greeting, await store.FindAsync(greeting.Id, Token));
        }

        Assert.Equal(Small.Capacity, list.Count);
        Assert.Equal([last, newer[^1], newer[^2]], list.Latest);
    }

    private static async Task ReplayAsync(RedisGreetingStore store, string name, string key, int times, FakeTimeProvider? oneSecondApart = null)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.IsType<IdempotencyClaim.Committed>((await store.ClaimAndCommitAsync(name, key, GreetingFingerprint.Of(name), requestId: null, Token)).Claim);
            oneSecondApart?.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Replays within a second take the number the first one gave back: a flood of them leaves no gaps.</summary>
    [Fact]
    public async Task ClaimAndCommitAsync_ManyReplaysWithinASecond_ShareOneNumberWithTheNextWrite()
    {
        var store = await StoreAsync(Small, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await store.ClaimAndCommitAsync("Ada", "replayed", GreetingFingerprint.Of("Ada"), requestId: null, Token);
        await ReplayAsync(store, "Ada", "replayed", 300);

        await store.CommitAsync("next", null, Token);

        var db = (await _server.ConnectAsync()).GetDatabase();
        Assert.Equal(2, (long)await db.StringGetAsync(StoreKeys.IndexNext));
        Assert.True(await db.KeyExistsAsync(StoreKeys.IndexEntry(2)));
    }

    /// <summary>
    /// A write is kept once its script and its commit are done: eviction after it is the next write's to finish
    /// if the store fails under it, not a 5xx that would send the caller to write it again.
    /// </summary>
    [Fact]
    public async Task CommitAsync_StoreFailsDuringTheEvictionAfterIt_StillAnswersTheWrite()
    {
        var connection = await _server.ConnectAsync();
        var failAfterCommit = false;
        var store = new RedisGreetingStore(connection, new StoreCommits(() =>
        {
            if (Volatile.Read(ref failAfterCommit))
            {
                connection.Dispose(); // what eviction sends next meets a connection gone
            }

            return Task.CompletedTask;
        }), TimeProvider.System, Small);
        for (var i = 0; i < Small.Capacity; i++)
        {
            await store.CommitAsync($"n{i}", null, Token);
        }

        Volatile.Write(ref failAfterCommit, true);
        var written = await store.CommitAsync("over capacity", null, Token);

        Assert.NotNull(written);
        Assert.Equal(written, await (await StoreAsync(Small)).FindAsync(written.Id, Token));
    }

    /// <summary>
    /// A number eviction passed between the write taking it and its script (eviction passes gaps, and a number
    /// taken but not yet written is one) is not written to: the write takes the next, and is counted and listed.
    /// </summary>
    [Fact]
    public async Task CommitAsync_NumberPassedBeforeItsScriptRan_WritesUnderALaterNumber()
    {
        var store = await StoreAsync(StateRetention.Default);
        await store.CommitAsync("Ada", null, Token);
        var db = (await _server.ConnectAsync()).GetDatabase();
        var passedUpTo = (long)await db.StringGetAsync(StoreKeys.IndexNext) + 3;
        await db.StringSetAsync(StoreKeys.IndexFirst, passedUpTo);
        await db.KeyDeleteAsync(StoreKeys.GreetingCount);

        var written = await store.CommitAsync("Grace", null, Token);

        Assert.Equal(passedUpTo, (long)await db.StringGetAsync(StoreKeys.IndexNext));
        Assert.True(await db.KeyExistsAsync(StoreKeys.IndexEntry(passedUpTo)));
        var list = await store.ListAsync(10, Token);
        Assert.Equal(1, list.Count);
        Assert.Equal(written, Assert.Single(list.Latest));
    }

    /// <summary>
    /// Writers at once on three replicas: each replica takes its numbers in blocks, so fewer takings than writes,
    /// and every greeting is filed under a number of its own, once, and counted by the listing.
    /// </summary>
    [Fact]
    public async Task CommitAsync_ManyWritersOnThreeReplicas_FileEachOnceWithFewerTakingsThanWrites()
    {
        const int Writers = 16, WritesEach = 20;
        var session = new ProfilingSession();
        var replicas = new List<RedisGreetingStore>();
        for (var r = 0; r < 3; r++)
        {
            var connection = await _server.ConnectAsync();
            connection.RegisterProfiler(() => session);
            replicas.Add(new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default));
        }

        var written = await Task.WhenAll(replicas.SelectMany(replica => Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var mine = new List<Greeting>();
            for (var i = 0; i < WritesEach; i++)
            {
                mine.Add((await replica.CommitAsync($"w{w}-{i}", null, Token))!);
            }

            return mine;
        }))));
        var takings = session.FinishProfiling().Count(command => command.Command is "INCR" or "INCRBY");

        var all = written.SelectMany(mine => mine).ToList();
        var db = (await _server.ConnectAsync()).GetDatabase();
        var entries = new HashSet<string>();
        var next = (long)await db.StringGetAsync(StoreKeys.IndexNext);
        for (var number = 1L; number <= next; number++)
        {
            if ((string?)await db.StringGetAsync(StoreKeys.IndexEntry(number)) is { } entry)
            {
                entries.Add(entry);
            }
        }

        var list = await replicas[0].ListAsync(5, Token);
        TestContext.Current.TestOutputHelper?.WriteLine($"{takings} takings (INCR or INCRBY) for {all.Count} writes");
        Assert.InRange(takings, 3, all.Count / 4); // 66-72 seen: a block for about every 14 writes
        Assert.Equal(all.Count, entries.Count);
        Assert.All(all, greeting => Assert.Single(entries, entry => entry.Contains(greeting.Id, StringComparison.Ordinal)));
        Assert.Equal(all.Count, list.Count);
        Assert.Subset(all.ToHashSet(), list.Latest.ToHashSet());
    }

    /// <summary>
    /// A replica holds numbers for up to a second (given back, or the rest of a block). A store that crashed meanwhile
    /// can recover without having taken them, and hand them out again: a number above the store's next is not written
    /// under (the listing reads down from the next, and would not see it), and the write takes one the store counts.
    /// </summary>
    [Fact]
    public async Task CommitAsync_NumberHeldThatTheStoreLostInACrash_WritesUnderOneTheStoreCounts()
    {
        var store = await StoreAsync(StateRetention.Default, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var ada = (await store.ClaimAndCommitAsync("Ada", "replayed", GreetingFingerprint.Of("Ada"), requestId: null, Token)).Created!;
        await ReplayAsync(store, "Ada", "replayed", 1); // takes 2 and gives it back
        var db = (await _server.ConnectAsync()).GetDatabase();
        await db.StringSetAsync(StoreKeys.IndexNext, 1); // the crash lost the taking of 2

        var grace = (await store.CommitAsync("Grace", null, Token))!;

        Assert.Equal(2, (long)await db.StringGetAsync(StoreKeys.IndexNext));
        Assert.Equal([grace, ada], (await store.ListAsync(10, Token)).Latest);
    }

    /// <summary>
    /// After such a crash two replicas can hold the same number (one from before it, one taken again after): the
    /// second to write under it takes another, and the first's entry stays, so both are listed and counted.
    /// </summary>
    [Fact]
    public async Task CommitAsync_NumberAnotherReplicaWroteUnderFirst_WritesUnderAnotherAndKeepsBoth()
    {
        var first = await StoreAsync(StateRetention.Default);
        var ada = (await first.CommitAsync("Ada", null, Token))!;
        var grace = (await first.CommitAsync("Grace", null, Token))!; // under 2
        var db = (await _server.ConnectAsync()).GetDatabase();
        await db.StringSetAsync(StoreKeys.IndexNext, 1); // 2 taken again by the next replica to ask

        var hopper = (await (await StoreAsync(StateRetention.Default)).CommitAsync("Hopper", null, Token))!;

        var list = await first.ListAsync(10, Token);
        Assert.Equal(3, list.Count);
        Assert.Equal([hopper, grace, ada], list.Latest);
    }

    /// <summary>
    /// A caller who gave up by the time its write has its number gets no write: its script, sent then, could land
    /// after the caller's commit check had found nothing, and a write answered "failed" would be there after all.
    /// The number goes back, so it leaves no gap.
    /// </summary>
    [Fact]
    public async Task ClaimAndCommitAsync_CallerGaveUpBeforeTheScript_WritesNothingAndGivesTheNumberBack()
    {
        var store = await StoreAsync(StateRetention.Default);
        await store.CommitAsync("first", null, Token);
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.ClaimAndCommitAsync("Ada", "gave-up", GreetingFingerprint.Of("Ada"), requestId: null, gaveUp.Token));
        await store.CommitAsync("next", null, Token);

        Assert.Null(await store.FindByKeyAsync("gave-up", GreetingFingerprint.Of("Ada"), Token));
        Assert.Equal(2, (await store.ListAsync(10, Token)).Count);
        Assert.Equal(2, (long)await (await _server.ConnectAsync()).GetDatabase().StringGetAsync(StoreKeys.IndexNext));
    }

    /// <summary>
    /// Past capacity every write is due to evict, and writers at once on one replica each read the same oldest
    /// entries from disk: one evicts at a time, looking again for what the others added, and the next write takes
    /// what came in during its last look.
    /// </summary>
    [Fact]
    public async Task CommitAsync_WritersAtOncePastTheCapacity_EvictOneAtATime()
    {
        var connection = await _server.ConnectAsync();
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, Small);
        for (var i = 0; i < Small.Capacity + 1; i++)
        {
            await store.CommitAsync($"n{i}", null, Token);
        }

        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);
        const int Writers = 32, WritesEach = 10;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < WritesEach; i++)
            {
                await store.CommitAsync($"w{w}-{i}", null, Token);
            }
        })));
        var reads = session.FinishProfiling().Count(command => command.Command == "MGET");
        var countOnceDone = (long)await connection.GetDatabase().StringGetAsync(StoreKeys.GreetingCount);
        await store.CommitAsync("last", null, Token);

        // Each write alone would read the oldest entries once: 320 reads. What came in during the evicting write's
        // last pass (one a writer at most) is the next write's.
        Assert.InRange(reads, 1, Writers * WritesEach - 1);
        Assert.InRange(countOnceDone, Small.Capacity, Small.Capacity + Writers);
        Assert.Equal(Small.Capacity, (long)await connection.GetDatabase().StringGetAsync(StoreKeys.GreetingCount));
    }

    /// <summary>
    /// The oldest entries are on disk, so eviction reads only what it needs: under capacity nothing once it knows
    /// the oldest entry is not due, past it the few entries over it, in one step.
    /// </summary>
    [Theory]
    [InlineData(3, new[] { "EVAL", "INCR" })]
    [InlineData(7, new[] { "EVAL", "EVAL", "INCR", "MGET" })]
    public async Task CommitAsync_UnderOrPastTheCapacity_SendsOnlyTheCommandsItNeeds(int writtenBefore, string[] expected)
    {
        var connection = await _server.ConnectAsync();
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, Small);
        for (var i = 0; i < writtenBefore; i++)
        {
            await store.CommitAsync($"n{i}", null, Token); // scripts loaded, the oldest end read once
        }

        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);
        await store.CommitAsync("one more", null, Token);

        // A script goes as EVAL or, once the client knows the store has it, EVALSHA: one command either way.
        Assert.Equal(expected, session.FinishProfiling().Select(command => command.Command == "EVALSHA" ? "EVAL" : command.Command).Order());
    }
}
