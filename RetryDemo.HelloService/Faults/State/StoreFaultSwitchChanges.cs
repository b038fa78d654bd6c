using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults.State;

/// <summary>
/// Changes to the operator's switches, told to every replica through the store's publish/subscribe. A replica
/// that hears one on <see cref="StoreKeys.FaultSwitchesChanged"/> moves <see cref="Heard"/>, then answers on
/// <see cref="StoreKeys.FaultSwitchesHeard"/>; the replica that announced it waits for as many answers as the
/// store delivered the change to. A replica counts as hearing only once a probe of its own came back through its
/// subscription: after a start or a lost connection, a change published before the store had the subscription
/// again would go unheard, so until then <see cref="Heard"/> is null and nothing is held.
/// </summary>
/// <param name="hearingTimeout">The longest an announcement waits (<see cref="HearingTimeout"/> unless a test says otherwise).</param>
public sealed class StoreFaultSwitchChanges(IConnectionMultiplexer redis, TimeProvider timeProvider, ILogger<StoreFaultSwitchChanges> logger, TimeSpan? hearingTimeout = null)
    : BackgroundService, IFaultSwitchChanges
{
    /// <summary>The longest an announcement waits for every replica to hear it.</summary>
    public static readonly TimeSpan HearingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How often a replica that is not hearing sends its probe again.</summary>
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(500);

    private const string ProbePrefix = "probe:";
    private readonly Announcements _announcements = new(timeProvider, logger);
    private long _changes;
    private string? _probe = NewProbe();

    private ISubscriber Subscriber => redis.GetSubscriber();

    public long? Heard => Volatile.Read(ref _probe) is null ? Volatile.Read(ref _changes) : null;

    /// <summary>Not cancelled with the operator's request: a change written is a change announced, within <see cref="HearingTimeout"/>.</summary>
    public Task AnnounceAsync() => _announcements.AnnounceAsync(Subscriber, hearingTimeout ?? HearingTimeout);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
        try
        {
            await SubscribeAsync(StoreKeys.FaultSwitchesChanged, OnChanged, stoppingToken);
            await SubscribeAsync(StoreKeys.FaultSwitchesHeard, _announcements.OnHeard, stoppingToken);
            while (true)
            {
                await ProbeAsync(stoppingToken);
                await Task.Delay(ProbeEvery, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionChanged;
            redis.ConnectionRestored -= OnConnectionChanged;
        }
    }

    /// <summary>Once: the client keeps the handler whether or not the store took it, and subscribes again on connecting.</summary>
    private async Task SubscribeAsync(RedisChannel channel, Action<RedisChannel, RedisValue> handler, CancellationToken stoppingToken)
    {
        try
        {
            await Subscriber.SubscribeAsync(channel, handler);
        }
        catch (Exception ex) when (StoreFailure.Is(ex, stoppingToken))
        {
            // Not subscribed yet: the probe says when it is.
        }
    }

    private async Task ProbeAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (Volatile.Read(ref _probe) is { } probe)
            {
                await Subscriber.PublishAsync(StoreKeys.FaultSwitchesChanged, probe);
            }
        }
        catch (Exception ex) when (StoreFailure.Is(ex, stoppingToken))
        {
            // Not hearing yet: the next round sends it again.
        }
    }

    /// <summary>Any connection, not only the subscription's: over RESP3 the subscriptions travel on the interactive one.</summary>
    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs e)
    {
        // Stop holding first, then move: a read that began before either is not held.
        Volatile.Write(ref _probe, NewProbe());
        Interlocked.Increment(ref _changes);
    }

    /// <summary>
    /// Every message but a probe is a change (an announcement, or a layout upgrade's carry-over), heard before it
    /// is answered. Another replica's probe changes nothing, so a replica that cannot hear costs the others nothing.
    /// </summary>
    private void OnChanged(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message ?? "";
        if (!text.StartsWith(ProbePrefix, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _changes);
            if (text.StartsWith(Announcements.ChangePrefix, StringComparison.Ordinal))
            {
                _ = Subscriber.PublishAsync(StoreKeys.FaultSwitchesHeard, message, CommandFlags.FireAndForget);
            }
        }
        else if (Volatile.Read(ref _probe) is { } probe && probe == text)
        {
            // Move, then hear: a count read while deaf must not match a value held once hearing.
            Interlocked.Increment(ref _changes);
            if (Interlocked.CompareExchange(ref _probe, null, probe) == probe)
            {
                FaultStateLog.HearingChanges(logger);
            }
        }
    }

    private static string NewProbe() => ProbePrefix + Guid.NewGuid().ToString("N");
}
