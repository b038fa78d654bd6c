using Microsoft.Extensions.Time.Testing;
using RetryDemo.Contracts;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis.Profiling;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>
/// What every <see cref="IGreetingStore"/> promises, run against both: the in-process one and the real
/// store server (<see cref="RedisGreetingStoreTests"/>). Time is real here (the store server keeps its own
/// clock for expiry), so lifetimes are short and waits are on conditions.
/// </summary>
public abstract class GreetingStoreContract
{
    protected static readonly StateRetention Small = new()
    {
        Capacity = 5,
        ClaimLease = TimeSpan.FromSeconds(1),
        ListPageSize = 3,
    };

    /// <summary>A store on <paramref name="time"/>: it dates greetings and files them in index buckets by it.</summary>
    protected abstract Task<IGreetingStore> CreateAsync(StateRetention retention, TimeProvider time);

    protected Task<IGreetingStore> CreateAsync(StateRetention retention) => CreateAsync(retention, TimeProvider.System);

    /// <summary><paramref name="count"/> stores over the same state, as replicas see it (each its own connection).</summary>
    protected abstract Task<IGreetingStore[]> CreateReplicasAsync(StateRetention retention, int count);

    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ClaimAsync_NewKeyThenCommit_FindByKeyReturnsTheGreeting()
    {
        var store = await CreateAsync(StateRetention.Default);

        var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("k1", "fp-ada", None));
        var greeting = await store.CommitAsync("Ada", claim, None);

        Assert.NotNull(greeting);
        Assert.Equal("Hello, Ada!", greeting.Message);
        Assert.Equal(greeting, await CommittedAsync(store, "k1"));
        Assert.Equal(greeting, await store.FindAsync(greeting.Id, None));
    }

    [Fact]
    public async Task ClaimAsync_CommittedKeySamePayload_ReturnsTheCommittedGreeting()
    {
        var store = await CreateAsync(StateRetention.Default);
        var greeting = await store.CommitAsync("Ada", (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp-ada", None), None);

        var again = await store.ClaimAsync("k1", "fp-ada", None);

        Assert.Equal(greeting, Assert.IsType<IdempotencyClaim.Committed>(again).Greeting);
        Assert.Equal(1, (await store.ListAsync(10, None)).Count);
    }

    [Fact]
    public async Task ClaimAsync_KeyOfAnotherPayload_IsAMismatch_WhetherCommittedOrClaimed()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.CommitAsync("Ada", (IdempotencyClaim.New)await store.ClaimAsync("done", "fp-ada", None), None);
        await store.ClaimAsync("held", "fp-ada", None);

        Assert.IsType<IdempotencyClaim.Mismatch>(await store.ClaimAsync("done", "fp-grace", None));
        Assert.IsType<IdempotencyClaim.Mismatch>(await store.ClaimAsync("held", "fp-grace", None));
    }

    [Fact]
    public async Task ClaimAsync_WhileClaimedForTheSamePayload_IsInProgress()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.ClaimAsync("k1", "fp-ada", None);

        Assert.IsType<IdempotencyClaim.InProgress>(await store.ClaimAsync("k1", "fp-ada", None));
    }

    [Fact]
    public async Task ClaimAsync_ManyReplicasAtOnce_ExactlyOneGetsTheKey()
    {
        var replicas = await CreateReplicasAsync(StateRetention.Default, 4);

        var claims = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () => await replicas[i % 4].ClaimAsync("contended", "fp", None))));

        Assert.Single(claims, c => c is IdempotencyClaim.New);
        Assert.All(claims.Where(c => c is not IdempotencyClaim.New), c => Assert.IsType<IdempotencyClaim.InProgress>(c));
    }

    [Fact]
    public async Task CommitAsync_ManyReplicasRacingForEachKey_CommitsEachKeyOnce()
    {
        var replicas = await CreateReplicasAsync(StateRetention.Default, 4);

        // Every replica claims every key and commits what it won; a lost claim commits nothing.
        var committed = await Task.WhenAll(Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var won = new List<Greeting>();
            for (var k = 0; k < 25; k++)
            {
                if (await replicas[r].ClaimAsync($"race-{k}", "fp", None) is IdempotencyClaim.New claim && await replicas[r].CommitAsync($"n{k}", claim, None) is { } greeting)
                {
                    won.Add(greeting);
                }
            }

            return won;
        })));

        Assert.Equal(25, committed.Sum(w => w.Count));
        Assert.Equal(25, (await replicas[0].ListAsync(100, None)).Count);
        for (var k = 0; k < 25; k++)
        {
            Assert.NotNull(await CommittedAsync(replicas[k % 4], $"race-{k}"));
        }
    }

    [Fact]
    public async Task AbandonAsync_FreesTheKey_ForTheNextClaim()
    {
        var store = await CreateAsync(StateRetention.Default);
        var first = (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp", None);

        await store.AbandonAsync(first, None);

        var second = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("k1", "fp", None));
        Assert.NotEqual(first.Token, second.Token);
        Assert.Null(await CommittedAsync(store, "k1"));
    }

    [Fact]
    public async Task CommitAsync_AfterTheLeaseRanOutAndTheKeyWasClaimedAgain_WritesNothing()
    {
        var store = await CreateAsync(Small);
        var stale = (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp", None);
        var fresh = await Eventually(async () => await store.ClaimAsync("k1", "fp", None) as IdempotencyClaim.New);

        Assert.Null(await store.CommitAsync("Ada", stale, None));
        var greeting = await store.CommitAsync("Ada", fresh, None);

        Assert.NotNull(greeting);
        Assert.Equal(greeting, await CommittedAsync(store, "k1"));
        Assert.Equal(1, (await store.ListAsync(10, None)).Count);
    }

    [Fact]
    public async Task CommitAsync_AfterTheLeaseRanOutWithNobodyClaimingAgain_WritesNothingAndTheKeyIsFree()
    {
        var store = await CreateAsync(Small);
        var stale = (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp", None);
        Assert.IsType<IdempotencyClaim.InProgress>(await store.FindByKeyAsync("k1", "fp", None));

        await Eventually(async () => await store.FindByKeyAsync("k1", "fp", None) is null ? true : (bool?)null);

        Assert.Null(await store.CommitAsync("Ada", stale, None));
        Assert.Equal(0, (await store.ListAsync(10, None)).Count);
        Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("k1", "fp", None));
    }

    [Fact]
    public async Task ListAsync_TheDefaultPage_IsTheNewest100Of101NewestFirst()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await CreateAsync(StateRetention.Default, time);
        var written = new List<Greeting>();
        for (var i = 0; i < 101; i++)
        {
            written.Add((await store.CommitAsync($"n{i}", null, None))!);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var list = await store.ListAsync(StateRetention.Default.ListPageSize, None);

        Assert.Equal(100, StateRetention.Default.ListPageSize);
        Assert.Equal(101, list.Count);
        Assert.Equal(written.Skip(1).Reverse(), list.Latest);
    }

    [Fact]
    public async Task AbandonAsync_OfAClaimThatWasTakenOver_LeavesTheNewClaim()
    {
        var store = await CreateAsync(Small);
        var stale = (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp", None);
        var fresh = await Eventually(async () => await store.ClaimAsync("k1", "fp", None) as IdempotencyClaim.New);

        await store.AbandonAsync(stale, None);

        Assert.NotNull(await store.CommitAsync("Ada", fresh, None));
    }

    [Fact]
    public async Task ListAsync_ReturnsTheNewestPageNewestFirst_AndTheCount()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await CreateAsync(Small, time);
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await store.CommitAsync(name, null, None);
            time.Advance(TimeSpan.FromMilliseconds(1)); // distinct creation times, so "newest" is well defined
        }

        var list = await store.ListAsync(Small.ListPageSize, None);

        Assert.Equal(4, list.Count);
        Assert.Equal(["Hello, d!", "Hello, c!", "Hello, b!"], list.Latest.Select(g => g.Message));
    }

    [Fact]
    public async Task ListAsync_AnotherReplicaWroteSinceTheLastListing_ShowsTheWrite()
    {
        // Buckets of a second, as deployed: the listing's lifetime cutoff stays the same from one listing to the next.
        var replicas = await CreateReplicasAsync(StateRetention.Default, 2);
        await replicas[1].CommitAsync("a", null, None);
        var before = await replicas[0].ListAsync(10, None);

        var written = await replicas[1].CommitAsync("b", null, None);
        var after = await replicas[0].ListAsync(10, None);

        Assert.Equal(1, before.Count);
        Assert.Equal(2, after.Count);
        Assert.Equal(written, after.Latest[0]);
    }

    [Fact]
    public async Task CommitAsync_PastTheGreetingCapacity_KeepsWritingAndDropsTheOldest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await CreateAsync(Small, time);
        var greetings = new List<Greeting>();
        for (var i = 0; i < 12; i++)
        {
            greetings.Add((await store.CommitAsync($"n{i}", null, None))!);
            time.Advance(TimeSpan.FromMilliseconds(1)); // each its own index bucket
        }

        Assert.All(greetings, Assert.NotNull);
        Assert.Equal(Small.Capacity, (await store.ListAsync(10, None)).Count);
        Assert.Null(await store.FindAsync(greetings[0].Id, None));
        Assert.Equal(greetings[^1], await store.FindAsync(greetings[^1].Id, None));
    }

    [Fact]
    public async Task CommitAsync_PastTheCapacity_TheOldestKeyLeavesWithItsGreeting_TheNewestReplays()
    {
        var store = await CreateAsync(Small);
        var greetings = new List<Greeting>();
        for (var i = 0; i < 9; i++)
        {
            var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync($"key-{i}", "fp", None));
            greetings.Add((await store.CommitAsync($"n{i}", claim, None))!);
        }

        // Gone together: no replay that points at a greeting no longer kept.
        Assert.Null(await CommittedAsync(store, "key-0"));
        Assert.Null(await store.FindAsync(greetings[0].Id, None));
        Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("key-0", "fp", None));
        for (var i = 9 - Small.Capacity; i < 9; i++)
        {
            Assert.Equal(greetings[i], await CommittedAsync(store, $"key-{i}"));
            Assert.Equal(greetings[i], await store.FindAsync(greetings[i].Id, None));
        }
    }

    [Fact]
    public async Task CommitAsync_ManyReplicasPastTheCapacityAtOnce_EvictOnlyWhatIsOverIt()
    {
        var retention = StateRetention.Default with { Capacity = 40 };
        var replicas = await CreateReplicasAsync(retention, 4);
        var first = new List<Greeting>();
        for (var i = 0; i < retention.Capacity; i++)
        {
            first.Add((await replicas[0].CommitAsync($"old{i}", null, None))!);
        }

        // Every commit from here on is over capacity, so replicas evict at the same time from the same oldest end.
        var newer = await Task.WhenAll(Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var written = new List<Greeting>();
            for (var i = 0; i < 5; i++)
            {
                var claim = Assert.IsType<IdempotencyClaim.New>(await replicas[r].ClaimAsync($"r{r}-{i}", "fp", None));
                written.Add((await replicas[r].CommitAsync($"new{r}-{i}", claim, None))!);
            }

            return written;
        })));

        // 20 newer writes push out the 20 oldest, and no more: the newest 20 of the first round stay. A replica's
        // eviction step that finds another replica's step went first stops, leaving what is still over to its
        // replica's next write, so a few may stay over capacity; never fewer than capacity.
        var kept = (await Task.WhenAll(first.Select(async g => await replicas[0].FindAsync(g.Id, None)))).Select(g => g is not null).ToList();
        var firstKept = kept.IndexOf(true);
        Assert.InRange(first.Count - firstKept, 20, 24);
        Assert.All(kept[firstKept..], Assert.True);
        Assert.Equal(first.Count - firstKept + 20, (await replicas[0].ListAsync(100, None)).Count);
        foreach (var greeting in newer.SelectMany(w => w))
        {
            Assert.Equal(greeting, await replicas[0].FindAsync(greeting.Id, None));
        }

        for (var r = 0; r < 4; r++)
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.NotNull(await CommittedAsync(replicas[0], $"r{r}-{i}"));
            }
        }
    }

    [Fact]
    public async Task ClaimAsync_WhileClaimed_SaysHowLongTheLeaseHoldsTheKey()
    {
        var store = await CreateAsync(Small);
        await store.ClaimAsync("k1", "fp", None);

        var held = Assert.IsType<IdempotencyClaim.InProgress>(await store.ClaimAsync("k1", "fp", None));

        Assert.InRange(held.LeaseLeft, TimeSpan.FromMilliseconds(1), Small.ClaimLease);
    }

    [Fact]
    public async Task Greetings_PastTheirLifetime_AreGoneFromTheListAndTheCount()
    {
        var store = await CreateAsync(Small with { Lifetime = TimeSpan.FromMilliseconds(1500) });
        var claim = (IdempotencyClaim.New)await store.ClaimAsync("k1", "fp", None);
        var greeting = await store.CommitAsync("Ada", claim, None);

        await Eventually(async () => (await store.ListAsync(10, None)).Count == 0 ? true : (bool?)null);

        Assert.Empty((await store.ListAsync(10, None)).Latest);
        await Eventually(async () => await CommittedAsync(store, "k1") is null ? true : (bool?)null);
        Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("k1", "fp", None));
        Assert.NotNull(greeting);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("%2e")]
    [InlineData("P|x|y")]
    [InlineData("C|x|{}")]
    [InlineData("index")]
    [InlineData(":index:greetings")]
    public async Task Keys_OfAnyShape_AreStoredAndFoundAsThemselves(string key)
    {
        var store = await CreateAsync(StateRetention.Default);

        var greeting = await store.CommitAsync("Ada", (IdempotencyClaim.New)await store.ClaimAsync(key, "fp", None), None);

        Assert.Equal(greeting, await CommittedAsync(store, key));
        Assert.Null(await CommittedAsync(store, key + "x"));
    }

    [Fact]
    public async Task FindByKeyAsync_ClaimedNotCommitted_IsInProgress_NotNothing()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.ClaimAsync("k1", "fp-ada", None);

        Assert.IsType<IdempotencyClaim.InProgress>(await store.FindByKeyAsync("k1", "fp-ada", None));
        Assert.IsType<IdempotencyClaim.InProgress>(await store.FindByKeyAsync("k1", null, None));
        Assert.Null(await store.FindByKeyAsync("k2", null, None));
    }

    [Fact]
    public async Task FindByKeyAsync_ForAnotherPayload_IsAMismatch_WhetherCommittedOrClaimed()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.CommitAsync("Ada", (IdempotencyClaim.New)await store.ClaimAsync("done", "fp-ada", None), None);
        await store.ClaimAsync("held", "fp-ada", None);

        Assert.IsType<IdempotencyClaim.Mismatch>(await store.FindByKeyAsync("done", "fp-grace", None));
        Assert.IsType<IdempotencyClaim.Mismatch>(await store.FindByKeyAsync("held", "fp-grace", None));
        Assert.IsType<IdempotencyClaim.Committed>(await store.FindByKeyAsync("done", "fp-ada", None));
    }

    /// <summary>The greeting committed under <paramref name="key"/>, or null.</summary>
    protected static async Task<Greeting?> CommittedAsync(IGreetingStore store, string key) =>
        (await store.FindByKeyAsync(key, null, None) as IdempotencyClaim.Committed)?.Greeting;

    /// <summary>Polls until <paramref name="probe"/> gives a value: at most 10 s, then fails saying so.</summary>
    protected static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.False(limit.IsCancellationRequested, "The condition did not hold within 10 s.");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task ClaimAndCommitAsync_NewKey_CreatesOnceAndReplaysAfter()
    {
        var store = await CreateAsync(StateRetention.Default);
        var fingerprint = GreetingFingerprint.Of("Ada");

        var (claim, created) = await store.ClaimAndCommitAsync("Ada", "one-trip", fingerprint, TestContext.Current.CancellationToken);
        var (again, createdAgain) = await store.ClaimAndCommitAsync("Ada", "one-trip", fingerprint, TestContext.Current.CancellationToken);

        Assert.IsType<IdempotencyClaim.New>(claim);
        Assert.NotNull(created);
        Assert.Equal(created, Assert.IsType<IdempotencyClaim.Committed>(again).Greeting);
        Assert.Null(createdAgain);
        Assert.Equal(1, (await store.ListAsync(10, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task ClaimAndCommitAsync_KeyClaimedByAnother_WritesNothingAndSaysInProgress()
    {
        var store = await CreateAsync(StateRetention.Default);
        var fingerprint = GreetingFingerprint.Of("Ada");
        var other = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("held", fingerprint, TestContext.Current.CancellationToken));

        var (claim, created) = await store.ClaimAndCommitAsync("Ada", "held", fingerprint, TestContext.Current.CancellationToken);

        Assert.IsType<IdempotencyClaim.InProgress>(claim);
        Assert.Null(created);
        Assert.Equal(0, (await store.ListAsync(10, TestContext.Current.CancellationToken)).Count);
        // The other claim still holds the key, and commits.
        Assert.NotNull(await store.CommitAsync("Ada", other, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClaimAndCommitAsync_KeyUsedForAnotherName_WritesNothingAndSaysMismatch()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.ClaimAndCommitAsync("Ada", "reused", GreetingFingerprint.Of("Ada"), TestContext.Current.CancellationToken);

        var (claim, created) = await store.ClaimAndCommitAsync("Grace", "reused", GreetingFingerprint.Of("Grace"), TestContext.Current.CancellationToken);

        Assert.IsType<IdempotencyClaim.Mismatch>(claim);
        Assert.Null(created);
        Assert.Equal(1, (await store.ListAsync(10, TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task ClaimAndCommitAsync_SameKeyFromReplicasAtOnce_CreatesExactlyOne()
    {
        var (replicas, results) = await RaceForOneKeyAsync("raced");

        Assert.Single(results, r => r.Created is not null);
        Assert.All(results.Where(r => r.Created is null), r => Assert.True(r.Claim is IdempotencyClaim.Committed or IdempotencyClaim.InProgress, $"{r.Claim}"));
        Assert.Equal(1, (await replicas[0].ListAsync(10, TestContext.Current.CancellationToken)).Count);
    }

    /// <summary>
    /// Writes of every kind at once on one replica: each answer is its own write's, whatever the others beside it
    /// did, and what the store holds is each write's own.
    /// </summary>
    [Fact]
    public async Task ClaimAndCommitAsync_WritesOfEveryKindAtOnceOnOneReplica_EachGetsItsOwnOutcome()
    {
        var store = await CreateAsync(StateRetention.Default);
        var token = TestContext.Current.CancellationToken;
        var held = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("held", GreetingFingerprint.Of("Held"), token));
        await store.ClaimAndCommitAsync("Done", "done", GreetingFingerprint.Of("Done"), token);

        // Started without waiting for each other, so they are under way together.
        var plain = Enumerable.Range(0, 8).Select(i => store.CommitAsync($"plain{i}", null, token).AsTask()).ToList();
        var fresh = Enumerable.Range(0, 8).Select(i => store.ClaimAndCommitAsync($"fresh{i}", $"fresh{i}", GreetingFingerprint.Of($"fresh{i}"), token).AsTask()).ToList();
        var sameKey = Enumerable.Range(0, 4).Select(_ => store.ClaimAndCommitAsync("Twice", "twice", GreetingFingerprint.Of("Twice"), token).AsTask()).ToList();
        var onHeld = store.ClaimAndCommitAsync("Held", "held", GreetingFingerprint.Of("Held"), token).AsTask();
        var onDone = store.ClaimAndCommitAsync("Done", "done", GreetingFingerprint.Of("Done"), token).AsTask();
        var ofHeld = store.CommitAsync("Held", held, token).AsTask();
        var (plainWritten, freshWritten, sameKeyWritten) = (await Task.WhenAll(plain), await Task.WhenAll(fresh), await Task.WhenAll(sameKey));

        Assert.All(plainWritten.Select((g, i) => (g, i)), w => Assert.Equal($"Hello, plain{w.i}!", w.g!.Message));
        Assert.All(freshWritten.Select((r, i) => (r, i)), w => Assert.Equal($"Hello, fresh{w.i}!", w.r.Created!.Message));
        var twice = Assert.Single(sameKeyWritten, r => r.Created is not null).Created;
        Assert.All(sameKeyWritten.Where(r => r.Created is null), r => Assert.True(r.Claim is IdempotencyClaim.Committed c && c.Greeting == twice || r.Claim is IdempotencyClaim.InProgress, $"{r.Claim}"));
        Assert.Null((await onHeld).Created);
        Assert.Null((await onDone).Created);
        Assert.Equal("Hello, Held!", (await ofHeld)!.Message);
        Assert.Equal(8 + 8 + 1 + 1 + 1, (await store.ListAsync(100, token)).Count);
        // What the store holds is each write's own: its greeting under its id, its key naming it.
        foreach (var greeting in plainWritten.Append(twice).Append(await ofHeld).Concat(freshWritten.Select(r => r.Created)))
        {
            Assert.Equal(greeting, await store.FindAsync(greeting!.Id, token));
        }

        for (var i = 0; i < freshWritten.Length; i++)
        {
            Assert.Equal(freshWritten[i].Created, Assert.IsType<IdempotencyClaim.Committed>(await store.FindByKeyAsync($"fresh{i}", GreetingFingerprint.Of($"fresh{i}"), token)).Greeting);
        }

        Assert.Equal(twice, Assert.IsType<IdempotencyClaim.Committed>(await store.FindByKeyAsync("twice", GreetingFingerprint.Of("Twice"), token)).Greeting);
        Assert.Equal(await ofHeld, Assert.IsType<IdempotencyClaim.Committed>(await store.FindByKeyAsync("held", GreetingFingerprint.Of("Held"), token)).Greeting);
    }

    /// <summary>24 keyed writes of one name under <paramref name="key"/>, all at once, spread over three replicas.</summary>
    protected async Task<(IGreetingStore[] Replicas, (IdempotencyClaim Claim, Greeting? Created)[] Results)> RaceForOneKeyAsync(string key)
    {
        var replicas = await CreateReplicasAsync(StateRetention.Default, 3);
        var fingerprint = GreetingFingerprint.Of("Ada");
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            replicas[i % replicas.Length].ClaimAndCommitAsync("Ada", key, fingerprint, TestContext.Current.CancellationToken).AsTask()));
        return (replicas, results);
    }

    // A commit check that finds nothing closes the key to the checked request (FindByKeyAndCloseAsync): an attempt of
    // it that writes after the check (a script the store runs late) must write nothing, or the check's "not
    // committed" would be false; every other request's write goes on as if the key were free.

    [Fact]
    public async Task FindByKeyAndCloseAsync_NothingHoldsTheKey_ThatRequestsLateWriteWritesNothing()
    {
        var store = await CreateAsync(StateRetention.Default);

        Assert.Null(await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None));
        var (claim, created) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-1", None);

        Assert.IsType<IdempotencyClaim.Closed>(claim);
        Assert.Null(created);
        Assert.Null(await store.FindByKeyAsync("k1", "fp-ada", None));
        Assert.Equal(0, (await store.ListAsync(10, None)).Count);
    }

    [Fact]
    public async Task FindByKeyAndCloseAsync_NothingHoldsTheKey_AnotherRequestsWriteTakesItAndTheClosedOneThenReplays()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None);

        var (claim, created) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-2", None);
        var (late, lateCreated) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-1", None);
        var (keyless, keylessCreated) = await store.ClaimAndCommitAsync("Ada", "k2", "fp-ada", "request-1", None);

        Assert.IsType<IdempotencyClaim.New>(claim);
        Assert.Equal(created, await CommittedAsync(store, "k1"));
        Assert.Equal(created, Assert.IsType<IdempotencyClaim.Committed>(late).Greeting); // the key is committed: a replay
        Assert.Null(lateCreated);
        Assert.IsType<IdempotencyClaim.New>(keyless); // the closing is the key's, not the request's everywhere
        Assert.NotNull(keylessCreated);
    }

    [Fact]
    public async Task FindByKeyAndCloseAsync_KeyCommittedOrClaimed_FindsItAndClosesNothing()
    {
        var store = await CreateAsync(StateRetention.Default);
        var (_, committed) = await store.ClaimAndCommitAsync("Ada", "done", "fp-ada", "request-1", None);
        await store.ClaimAsync("held", "fp-ada", None);

        var done = await store.FindByKeyAndCloseAsync("done", "fp-ada", "request-1", None);
        var held = await store.FindByKeyAndCloseAsync("held", "fp-ada", "request-2", None);
        var (again, _) = await store.ClaimAndCommitAsync("Ada", "done", "fp-ada", "request-1", None);

        Assert.Equal(committed, Assert.IsType<IdempotencyClaim.Committed>(done).Greeting);
        Assert.IsType<IdempotencyClaim.InProgress>(held);
        Assert.Equal(committed, Assert.IsType<IdempotencyClaim.Committed>(again).Greeting);
    }

    [Fact]
    public async Task FindByKeyAndCloseAsync_MoreRequestsThanOneKeyKeeps_TheOldestIsLetGo()
    {
        var store = await CreateAsync(StateRetention.Default);
        var requests = Enumerable.Range(0, IdempotencyClaim.Closed.MostPerKey + 1).Select(i => $"request-{i}").ToList();
        foreach (var request in requests)
        {
            Assert.Null(await store.FindByKeyAndCloseAsync("k1", "fp-ada", request, None));
        }

        var closed = new List<IdempotencyClaim>();
        foreach (var request in requests.Skip(1))
        {
            closed.Add((await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", request, None)).Claim);
        }

        var (oldest, created) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", requests[0], None);

        Assert.All(closed, claim => Assert.IsType<IdempotencyClaim.Closed>(claim));
        Assert.IsType<IdempotencyClaim.New>(oldest);
        Assert.Equal(created, await CommittedAsync(store, "k1"));
    }

    [Fact]
    public async Task FindByKeyAndCloseAsync_ClosingRunsOut_ThatRequestsWriteWritesAgain()
    {
        var store = await CreateAsync(StateRetention.Default with { ClosedRequestLifetime = TimeSpan.FromMilliseconds(300) });
        await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None);

        var created = await Eventually(async () => (await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-1", None)).Created);

        Assert.Equal(created, await CommittedAsync(store, "k1"));
    }

    /// <summary>The closing is the key's own: a greeting of another request written on the key, then evicted with its key, takes nothing of it.</summary>
    [Fact]
    public async Task FindByKeyAndCloseAsync_AnotherRequestsGreetingOnTheKeyEvicted_TheClosedRequestStillWritesNothing()
    {
        var store = await CreateAsync(StateRetention.Default with { Capacity = 1 });
        await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None);
        await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-2", None);
        await store.CommitAsync("Newer", null, None); // over capacity: request-2's greeting and its key leave

        var (late, created) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-1", None);

        Assert.IsType<IdempotencyClaim.Closed>(late);
        Assert.Null(created);
    }

    /// <summary>A claim made before its commit (no request) that takes the closed key and lets it go, by abandoning it or by its lease running out, takes nothing of the closing.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FindByKeyAndCloseAsync_AClaimTakesTheKeyAndFreesItAgain_TheClosedRequestStillWritesNothing(bool abandoned)
    {
        var store = await CreateAsync(Small);
        await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None);
        var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("k1", "fp-ada", None));
        if (abandoned)
        {
            await store.AbandonAsync(claim, None);
        }
        else
        {
            await Eventually(async () => await store.FindByKeyAsync("k1", "fp-ada", None) is null ? true : (bool?)null);
        }

        var (late, created) = await store.ClaimAndCommitAsync("Ada", "k1", "fp-ada", "request-1", None);

        Assert.IsType<IdempotencyClaim.Closed>(late);
        Assert.Null(created);
    }

    /// <summary>A closed key is free to everyone else, whatever the name, and nobody reads it as held for another name.</summary>
    [Fact]
    public async Task FindByKeyAndCloseAsync_ClosedKey_IsNoMismatchAndAnyOtherWriteTakesIt()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.FindByKeyAndCloseAsync("k1", "fp-ada", "request-1", None);

        Assert.Null(await store.FindByKeyAsync("k1", "fp-grace", None));
        Assert.Null(await store.FindByKeyAndCloseAsync("k1", "fp-grace", "request-2", None));
        var (claim, created) = await store.ClaimAndCommitAsync("Grace", "k1", "fp-grace", requestId: null, None);

        Assert.IsType<IdempotencyClaim.New>(claim);
        Assert.Equal(created, await CommittedAsync(store, "k1"));
        Assert.Equal(1, (await store.ListAsync(10, None)).Count);
    }

    protected static async Task Eventually(Func<Task<bool?>> probe) => await Eventually<object>(async () => await probe());
}

[Trait("Category", "Unit")]
public sealed class InProcessGreetingStoreTests : GreetingStoreContract
{
    protected override Task<IGreetingStore> CreateAsync(StateRetention retention, TimeProvider time) =>
        Task.FromResult<IGreetingStore>(new InProcessGreetingStore(time, retention));

    // One process is one replica: its "replicas" are the same instance.
    protected override async Task<IGreetingStore[]> CreateReplicasAsync(StateRetention retention, int count) =>
        Enumerable.Repeat(await CreateAsync(retention), count).ToArray();
}

[Trait("Category", "Component")]
public sealed class RedisGreetingStoreTests : GreetingStoreContract, IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    protected override async Task<IGreetingStore> CreateAsync(StateRetention retention, TimeProvider time) =>
        new RedisGreetingStore(await _server.ConnectAsync(), new StoreCommits(await _server.ConnectAsync()), time, retention);

    protected override async Task<IGreetingStore[]> CreateReplicasAsync(StateRetention retention, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => CreateAsync(retention)));

    /// <summary>
    /// Past its lifetime an entry leaves with its bucket; an entry of that bucket that is not past it yet stays (a
    /// bucket spans a second, and evicting it whole as soon as its start was past the lifetime took keys up to a
    /// second early, so a retry inside the lifetime wrote twice).
    /// </summary>
    [Fact]
    public async Task CommitAsync_EntryJustShortOfItsLifetime_IsKeptAndLeavesOncePast()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000).AddMilliseconds(900));
        var retention = StateRetention.Default with { Lifetime = TimeSpan.FromMinutes(1) };
        var store = new RedisGreetingStore(await _server.ConnectAsync(), new StoreCommits(await _server.ConnectAsync()), time, retention);
        var fingerprint = GreetingFingerprint.Of("Ada");
        var (_, written) = await store.ClaimAndCommitAsync("Ada", "near-the-end", fingerprint, requestId: null, TestContext.Current.CancellationToken);

        time.Advance(retention.Lifetime - TimeSpan.FromMilliseconds(500)); // into the next bucket, 0.5 s short of the lifetime
        await store.CommitAsync("Grace", null, TestContext.Current.CancellationToken); // a write evicts what is due
        var kept = await store.FindByKeyAsync("near-the-end", fingerprint, TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromSeconds(1)); // 0.5 s past it
        await store.CommitAsync("Grace", null, TestContext.Current.CancellationToken);
        var gone = await store.FindByKeyAsync("near-the-end", fingerprint, TestContext.Current.CancellationToken);

        Assert.Equal(written, Assert.IsType<IdempotencyClaim.Committed>(kept).Greeting);
        Assert.Null(gone);
    }

    /// <summary>
    /// A replay, and a commit check that finds the write, answer only once a commit sent after them is done: the
    /// write's own commit wait may have failed after the write landed (a stalled store), and its retry must not
    /// acknowledge what the store may still lose.
    /// </summary>
    [Fact]
    public async Task ReplayAndFindByKeyAsync_KeyCommitted_AnswerOnlyAfterACommit()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = false;
        var commits = new StoreCommits(() => Volatile.Read(ref holding) ? held.Task : Task.CompletedTask);
        var store = new RedisGreetingStore(await _server.ConnectAsync(), commits, TimeProvider.System, StateRetention.Default);
        var fingerprint = GreetingFingerprint.Of("Ada");
        var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync("durable-replay", fingerprint, TestContext.Current.CancellationToken));
        var greeting = await store.CommitAsync("Ada", claim, TestContext.Current.CancellationToken);

        Volatile.Write(ref holding, true);
        var replay = store.ClaimAsync("durable-replay", fingerprint, TestContext.Current.CancellationToken).AsTask();
        var rewrite = store.ClaimAndCommitAsync("Ada", "durable-replay", fingerprint, requestId: null, TestContext.Current.CancellationToken).AsTask();
        var lookup = store.FindByKeyAsync("durable-replay", fingerprint, TestContext.Current.CancellationToken).AsTask();
        await Task.Delay(200, TestContext.Current.CancellationToken); // time enough for the reads to come back
        Assert.False(replay.IsCompleted || rewrite.IsCompleted || lookup.IsCompleted, "a replay was answered before its commit");

        held.SetResult();
        Assert.Equal(greeting, Assert.IsType<IdempotencyClaim.Committed>(await replay.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Greeting);
        var (found, created) = await rewrite.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(greeting, Assert.IsType<IdempotencyClaim.Committed>(found).Greeting);
        Assert.Null(created);
        Assert.Equal(greeting, Assert.IsType<IdempotencyClaim.Committed>(await lookup.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Greeting);
    }

    /// <summary>
    /// With the store a keyed write never holds its key between a claim and a commit, so every other request
    /// with the key, on any replica, replays the one greeting written: none is told "in progress".
    /// </summary>
    [Fact]
    public async Task ClaimAndCommitAsync_SameKeyFromReplicasAtOnce_EveryOtherReplaysTheOneWritten()
    {
        var (_, results) = await RaceForOneKeyAsync("raced-replays");

        var created = Assert.Single(results, r => r.Created is not null).Created;
        Assert.All(results.Where(r => r.Created is null), r => Assert.Equal(created, Assert.IsType<IdempotencyClaim.Committed>(r.Claim).Greeting));
    }

    /// <summary>
    /// A keyed write is its claim and its commit in one script, after it takes its index number: two commands to
    /// the store (the commit wait aside, on a connection of its own), and no claim left between them for a
    /// cut-short write to strand (a number taken and never written is a gap the index passes).
    /// </summary>
    [Fact]
    public async Task ClaimAndCommitAsync_NewKey_TakesANumberThenSendsOneScript()
    {
        var connection = await _server.ConnectAsync();
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        await store.CommitAsync("warm", null, TestContext.Current.CancellationToken); // the script loaded, so what follows is the write alone
        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);

        var (claim, created) = await store.ClaimAndCommitAsync("Ada", "one-script", GreetingFingerprint.Of("Ada"), requestId: null, TestContext.Current.CancellationToken);

        Assert.IsType<IdempotencyClaim.New>(claim);
        Assert.NotNull(created);
        var sent = session.FinishProfiling().Select(command => command.Command).ToList();
        Assert.True(sent is ["INCR", "EVAL"] or ["INCR", "EVALSHA"], $"sent {string.Join(", ", sent)}");
    }

    [Fact]
    public async Task ListAsync_NothingChangedSinceTheLastListing_AnswersThePageItHolds()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.CommitAsync("Ada", null, TestContext.Current.CancellationToken);

        var first = await store.ListAsync(10, TestContext.Current.CancellationToken);
        var again = await store.ListAsync(10, TestContext.Current.CancellationToken);
        var otherSize = await store.ListAsync(5, TestContext.Current.CancellationToken);

        Assert.Same(first, again);
        Assert.NotSame(first, otherSize);
        Assert.Equal(first.Latest, otherSize.Latest);
    }

    /// <summary>
    /// A write cut by a kill -9 can be replayed only in part (Garnet 2.2.8's recovery): it leaves the version
    /// 'changing', its first write, under which no replica keeps a page, so none answers one the cut write
    /// changed without saying so.
    /// </summary>
    [Fact]
    public async Task ListAsync_VersionLeftChangingByACutWrite_ReadsThePageEveryTime()
    {
        var store = await CreateAsync(StateRetention.Default);
        await store.CommitAsync("Ada", null, TestContext.Current.CancellationToken);
        await (await _server.ConnectAsync()).GetDatabase().StringSetAsync(StoreKeys.ListingVersion, "changing");

        var first = await store.ListAsync(10, TestContext.Current.CancellationToken);
        var again = await store.ListAsync(10, TestContext.Current.CancellationToken);

        Assert.NotSame(first, again);
        Assert.Equal(first.Latest, again.Latest);
    }

    /// <summary>
    /// A listing read between a commit and the eviction that follows it (while the commit waits for the
    /// append-only file) counts the greeting about to leave; once it has left, that listing is stale and is
    /// read again, not answered from what the replica holds.
    /// </summary>
    [Fact]
    public async Task ListAsync_ReadBetweenACommitAndItsEviction_IsReadAgainOnceTheEvictionIsDone()
    {
        var retention = StateRetention.Default with { Capacity = 3 };
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = false;
        var writer = new RedisGreetingStore(await _server.ConnectAsync(), new StoreCommits(() => Volatile.Read(ref holding) ? held.Task : Task.CompletedTask), TimeProvider.System, retention);
        var reader = await CreateAsync(retention);
        for (var i = 0; i < retention.Capacity; i++)
        {
            await writer.CommitAsync($"n{i}", null, TestContext.Current.CancellationToken);
        }

        Volatile.Write(ref holding, true);
        var committing = writer.CommitAsync("over", null, TestContext.Current.CancellationToken).AsTask();
        await Eventually(async () => (await reader.ListAsync(10, TestContext.Current.CancellationToken)).Count == retention.Capacity + 1 ? true : (bool?)null);
        held.SetResult();
        await committing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var after = await reader.ListAsync(10, TestContext.Current.CancellationToken);

        Assert.Equal(retention.Capacity, after.Count);
        Assert.Equal(retention.Capacity, after.Latest.Count);
    }

    /// <summary>
    /// Far over capacity (a store that shrank, or writers that outran eviction), one write evicts in several
    /// bounded steps (two stores over one server, as replicas before and after a capacity change): 296 over, in steps of at most 256, all in one index bucket.
    /// </summary>
    [Fact]
    public async Task CommitAsync_FarOverTheCapacity_EvictsInSeveralStepsDownToIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = await CreateAsync(StateRetention.Default, time);
        for (var i = 0; i < 300; i++)
        {
            await store.CommitAsync($"n{i}", null, TestContext.Current.CancellationToken);
        }

        var shrunk = await CreateAsync(StateRetention.Default with { Capacity = 5 }, time);
        var newest = await shrunk.CommitAsync("newest", null, TestContext.Current.CancellationToken);
        var list = await shrunk.ListAsync(10, TestContext.Current.CancellationToken);

        Assert.Equal(5, list.Count);
        Assert.Equal(5, list.Latest.Count);
        Assert.Equal(newest, list.Latest[0]);
    }

    /// <summary>A name's record is about its own size: UTF-8 as is, not an escape of 6 bytes per UTF-16 unit.</summary>
    [Theory]
    [InlineData("👨‍👩‍👧‍👦", 61)]
    [InlineData("👨‍👩‍👧‍👦", 100)]
    [InlineData("李", 100)]
    [InlineData("\"", 100)]
    [InlineData("\\", 100)]
    [InlineData("Ada", 1)]
    public async Task CommitAsync_AnyName_StoresTheKeysRecordAndGreetingInAtMostTwiceTheNamesUtf8SizeAnd300Bytes(string cluster, int count)
    {
        var name = string.Concat(Enumerable.Repeat(cluster, count));
        var store = await CreateAsync(StateRetention.Default);
        var key = "size-" + Guid.NewGuid().ToString("N");
        var claim = Assert.IsType<IdempotencyClaim.New>(await store.ClaimAsync(key, GreetingFingerprint.Of(name), TestContext.Current.CancellationToken));
        var greeting = await store.CommitAsync(name, claim, TestContext.Current.CancellationToken);

        var db = (await _server.ConnectAsync()).GetDatabase();
        var stored = await db.StringLengthAsync(StoreKeys.Idempotency(key)) + await db.StringLengthAsync(StoreKeys.Greeting(greeting!.Id));
        var utf8 = System.Text.Encoding.UTF8.GetByteCount(name);
        Assert.True(stored <= 2 * utf8 + 300, $"{count} × {cluster} ({utf8} bytes) is stored in {stored} bytes: {await db.StringGetAsync(StoreKeys.Idempotency(key))}");
    }
}
