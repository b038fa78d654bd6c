using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Store;

namespace RetryDemo.Tests.HelloService.Faults.State;

/// <summary>
/// What a replica holds of the operator's switches: nothing it read while a change was heard, nothing once a
/// change is heard, and nothing older than <see cref="CachedFaultSwitches.LongestHeld"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CachedFaultSwitchesTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly CountedFaultState _store = new(new InProcessFaultState(new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 }), StateRetention.Default));
    private readonly ScriptedChanges _changes = new();
    private readonly FakeTimeProvider _time = new();

    private CachedFaultSwitches Switches() => new(_store, _changes, _time);

    [Fact]
    public void LongestHeld_IsAtMostHalfTheLongestAnAnnouncementWaits() =>
        Assert.True(CachedFaultSwitches.LongestHeld <= StoreFaultSwitchChanges.HearingTimeout / 2,
            "a replica too slow to hear a change could still answer from before it once the command returned");

    [Fact]
    public async Task ObserveAsync_NoChangeHeardSinceTheLastRead_AnswersWithoutTheStore()
    {
        var switches = Switches();
        await _store.SetOutageAsync(true, None);

        var observed = new[] { await switches.ObserveAsync(null, false, None), await switches.ObserveAsync(null, false, None), await switches.ObserveAsync(null, false, None) };

        Assert.All(observed, o => Assert.True(o.Outage));
        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task ObserveAsync_AChangeHeard_AsksTheStoreAgain()
    {
        var switches = Switches();
        await switches.ObserveAsync(null, false, None);
        await _store.SetOutageAsync(true, None);
        _changes.Hear();

        Assert.True((await switches.ObserveAsync(null, false, None)).Outage);
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task ObserveAsync_AChangeHeardWhileTheStoreWasRead_HoldsNothingOfThatRead()
    {
        var switches = Switches();
        _store.HoldNextRead();
        var read = switches.ObserveAsync(null, false, None);   // the store answers from before the change...
        _changes.Hear();                                       // ...which is heard before the answer arrives
        _store.AnswerHeldRead();
        await read;
        await _store.SetOutageAsync(true, None);

        Assert.True((await switches.ObserveAsync(null, false, None)).Outage);
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task ObserveAsync_NotHearingChanges_AsksTheStoreEveryTime()
    {
        var switches = Switches();
        _changes.Deafen();

        await switches.ObserveAsync(null, false, None);
        await switches.ObserveAsync(null, false, None);

        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task ObserveAsync_HeldForTheLongest_AsksTheStoreAgain()
    {
        var switches = Switches();
        await switches.ObserveAsync(null, false, None);
        _time.Advance(CachedFaultSwitches.LongestHeld - TimeSpan.FromMilliseconds(1));
        await switches.ObserveAsync(null, false, None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await switches.ObserveAsync(null, false, None);

        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task ObserveAsync_TookAFailNextFailure_AsksTheStoreForTheNextAttempt()
    {
        var switches = Switches();
        await _store.FailNextAsync(2, 500, 0, None);

        var statuses = new List<int?>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await switches.ObserveAsync(null, false, None)).FailNextStatus);
        }

        Assert.Equal([500, 500, null, null], statuses);
        Assert.Equal(3, _store.Reads);
    }

    [Theory]
    [InlineData("request-1", false)]
    [InlineData(null, true)]
    public async Task ObserveAsync_CountedOrNumbered_AlwaysAsksTheStore(string? countAttemptsOf, bool numberRoll)
    {
        var switches = Switches();

        await switches.ObserveAsync(countAttemptsOf, numberRoll, None);
        await switches.ObserveAsync(countAttemptsOf, numberRoll, None);

        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task EveryChange_IsAnnouncedAfterItIsWritten()
    {
        var switches = Switches();
        _changes.OnAnnounce = () => _store.SnapshotAsync(None);

        await switches.SetOutageAsync(true, None);
        await switches.FailNextAsync(3, 429, 1, None);
        await switches.ResetAsync(None);

        Assert.Equal([new(true, 0, 503, 0), new(true, 3, 429, 1), new(false, 0, 503, 0)], _changes.Announced);
    }

    /// <summary>The store, counting the reads that reach it; the next read can be held until answered.</summary>
    private sealed class CountedFaultState(IFaultStateStore inner) : IFaultStateStore
    {
        private TaskCompletionSource? _held;
        private TaskCompletionSource? _toAnswer;

        public int Reads { get; private set; }

        public void HoldNextRead() => _held = _toAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void AnswerHeldRead() => _toAnswer!.SetResult();

        public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
        {
            Reads++;
            var observed = await inner.ObserveAsync(countAttemptsOf, numberRoll, cancellationToken);
            if (_held is { } held)
            {
                _held = null;
                await held.Task;
            }

            return observed;
        }

        public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => inner.SnapshotAsync(cancellationToken);

        public ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken) => inner.SetOutageAsync(on, cancellationToken);

        public ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken) =>
            inner.FailNextAsync(count, statusCode, retryAfterSeconds, cancellationToken);

        public ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken) => inner.ResetAsync(cancellationToken);
    }

    private sealed class ScriptedChanges : IFaultSwitchChanges
    {
        public long? Heard { get; private set; } = 0;

        public Func<ValueTask<FaultStateSnapshot>>? OnAnnounce { get; set; }

        public List<FaultStateSnapshot> Announced { get; } = [];

        public void Hear() => Heard++;

        public void Deafen() => Heard = null;

        public async Task AnnounceAsync()
        {
            Announced.Add(await OnAnnounce!());
            Hear();
        }
    }
}
