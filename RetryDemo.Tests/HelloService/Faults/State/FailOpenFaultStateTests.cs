using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RetryDemo.HelloService.Faults.State;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Faults.State;

/// <summary>An outage of the store is said once when it starts and once when it ends, however reads overlap it.</summary>
[Trait("Category", "Unit")]
public sealed class FailOpenFaultStateTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<FailOpenFaultState> _logger = new();
    private ScriptedFaultState _store = null!;

    private FailOpenFaultState State(bool holdFirstRead)
    {
        _store = new ScriptedFaultState(holdFirstRead);
        return new(_store, _services.GetRequiredService<IMeterFactory>(), _logger);
    }

    [Fact]
    public async Task ObserveAsync_ReadInFlightWhenTheStoreWentAwaySucceedsLate_StillOneOutageLoggedOnce()
    {
        var state = State(holdFirstRead: true);
        var inFlight = state.ObserveAsync(null, false, CancellationToken.None);             // started before the outage
        await state.ObserveAsync(null, false, CancellationToken.None);                       // fails: the outage starts
        _store.AnswerHeldRead();                                                              // the early read succeeds late
        await inFlight;
        await state.ObserveAsync(null, false, CancellationToken.None);                       // the store is still away

        Assert.Equal([LogLevel.Warning], _logger.Collector.GetSnapshot().Select(record => record.Level));
    }

    [Fact]
    public async Task ObserveAsync_ReadStartedAfterTheOutageSucceeds_LogsTheEndOnce()
    {
        var state = State(holdFirstRead: false);
        await state.ObserveAsync(null, false, CancellationToken.None);                       // fails
        _store.Readable = true;
        await state.ObserveAsync(null, false, CancellationToken.None);                       // the store is back
        await state.ObserveAsync(null, false, CancellationToken.None);

        Assert.Equal([LogLevel.Warning, LogLevel.Information], _logger.Collector.GetSnapshot().Select(record => record.Level));
    }

    public void Dispose() => _services.Dispose();

    /// <summary>The first read, when held, waits until answered; every other read fails at once, unless the store is readable.</summary>
    private sealed class ScriptedFaultState(bool holdFirstRead) : IFaultStateStore
    {
        private readonly TaskCompletionSource<AttemptFaults> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public bool Readable { get; set; }

        public void AnswerHeldRead() => _first.SetResult(new AttemptFaults(false, null, 0, null));

        public async ValueTask<AttemptFaults> ObserveAsync(string? countAttemptsOf, bool numberRoll, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _reads) == 1 && holdFirstRead)
            {
                return await _first.Task;
            }

            return Readable ? new AttemptFaults(false, null, 0, null) : throw new RedisConnectionException(ConnectionFailureType.SocketFailure, "down");
        }

        public ValueTask<FaultStateSnapshot> SnapshotAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<FaultStateSnapshot> SetOutageAsync(bool on, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<FaultStateSnapshot> FailNextAsync(int count, int statusCode, int retryAfterSeconds, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<FaultStateSnapshot> ResetAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
