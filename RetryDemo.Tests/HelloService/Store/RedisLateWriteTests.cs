using RetryDemo.Contracts;
using RetryDemo.HelloService.Greetings;
using RetryDemo.HelloService.Store;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.HelloService.Store;

/// <summary>
/// A keyed write whose script the store runs only after ClientService's commit check, on the real store: the
/// script was sent before the check (the store stalled, and the write's client stopped waiting), and reaches the
/// store after the check found nothing. A <see cref="StallingProxy"/> holds the script on its way, as a stalled
/// store holds it in its socket; the check goes on another connection, as from another replica.
/// </summary>
[Trait("Category", "Component")]
public sealed class RedisLateWriteTests : IAsyncLifetime
{
    private StoreServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await StoreServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClaimAndCommitAsync_ScriptReachesTheStoreAfterTheCheckClosedItsRequest_WritesNothing()
    {
        await using var proxy = new StallingProxy(_server.Options.Port);
        var stalled = await _server.ConnectAsync(proxy.Port);
        var late = new RedisGreetingStore(stalled, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        var checker = new RedisGreetingStore(await _server.ConnectAsync(), new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        await late.ClaimAndCommitAsync("scripts loaded", "warm", GreetingFingerprint.Of("scripts loaded"), "request-0", Token);
        var fingerprint = GreetingFingerprint.Of("Ada");

        proxy.Stall();
        var write = late.ClaimAndCommitAsync("Ada", "late", fingerprint, "request-1", Token).AsTask();
        await Limit.WithinAsync(TimeSpan.FromSeconds(10), "the write's script did not reach the stalled store", proxy.Holding);
        var check = await checker.FindByKeyAndCloseAsync("late", fingerprint, "request-1", Token);
        proxy.Resume();
        await WhatEverItAnsweredAsync(write);
        await stalled.GetDatabase().PingAsync(); // behind the script on its connection: the script has run

        Assert.Null(check);
        Assert.Null(await checker.FindByKeyAsync("late", fingerprint, Token));
        Assert.DoesNotContain((await checker.ListAsync(10, Token)).Latest, greeting => greeting.Message == "Hello, Ada!");
        var (retried, created) = await checker.ClaimAndCommitAsync("Ada", "late", fingerprint, "request-2", Token);
        Assert.IsType<IdempotencyClaim.New>(retried); // the caller's next request with the key writes
        Assert.Equal(created, Assert.IsType<IdempotencyClaim.Committed>(await checker.FindByKeyAsync("late", fingerprint, Token)).Greeting);
    }

    /// <summary>
    /// The check read a committed record whose greeting eviction took before the check read it (the key is free
    /// now): "not committed" is said only with the key closed, so the checked request's write after it writes nothing.
    /// </summary>
    [Fact]
    public async Task FindByKeyAndCloseAsync_RecordNamesAGreetingGoneByTheTimeItIsRead_ClosesBeforeSayingNotCommitted()
    {
        var connection = await _server.ConnectAsync();
        var store = new RedisGreetingStore(connection, new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default with { Capacity = 1 });
        var fingerprint = GreetingFingerprint.Of("Ada");
        var (_, written) = await store.ClaimAndCommitAsync("Ada", "k1", fingerprint, "request-0", Token);
        await connection.GetDatabase().KeyDeleteAsync(StoreKeys.Greeting(written!.Id)); // eviction's first half, as the check reads

        var check = await store.FindByKeyAndCloseAsync("k1", fingerprint, "request-1", Token);
        await store.CommitAsync("Newer", null, Token); // eviction's other half: the key's record leaves
        var (late, created) = await store.ClaimAndCommitAsync("Ada", "k1", fingerprint, "request-1", Token);

        Assert.True(check is null or IdempotencyClaim.InProgress, $"the check said {check}");
        Assert.True(check is not null || created is null, $"the check said not committed, and request-1 then wrote {created} ({late})");
    }

    /// <summary>The longest request ids the rule allows, and every character it allows, round-trip through the closing the scripts write by hand.</summary>
    [Fact]
    public async Task FindByKeyAndCloseAsync_WidestRequestIds_EachClosedAndAWriteWithoutOneIsNot()
    {
        var store = new RedisGreetingStore(await _server.ConnectAsync(), new StoreCommits(await _server.ConnectAsync()), TimeProvider.System, StateRetention.Default);
        var fingerprint = GreetingFingerprint.Of("Ada");
        string[] ids = [new string('a', RequestIds.MaxLength), "a.b:c-d_E9", "x"];
        foreach (var id in ids)
        {
            Assert.Null(await store.FindByKeyAndCloseAsync("k1", fingerprint, id, Token));
        }

        foreach (var id in ids)
        {
            Assert.IsType<IdempotencyClaim.Closed>((await store.ClaimAndCommitAsync("Ada", "k1", fingerprint, id, Token)).Claim);
        }

        Assert.IsType<IdempotencyClaim.New>((await store.ClaimAndCommitAsync("Ada", "k1", fingerprint, requestId: null, Token)).Claim);
    }

    // The late write's own answer goes nowhere (its caller gave up): "closed" if it came in time, a timeout if not.
    private static async Task WhatEverItAnsweredAsync(Task<(IdempotencyClaim Claim, Greeting? Created)> write)
    {
        try
        {
            var (claim, created) = await write;
            Assert.IsType<IdempotencyClaim.Closed>(claim);
            Assert.Null(created);
        }
        catch (StackExchange.Redis.RedisTimeoutException)
        {
        }
    }
}
