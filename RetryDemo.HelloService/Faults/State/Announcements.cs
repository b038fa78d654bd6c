using System.Collections.Concurrent;
using RetryDemo.HelloService.Store;
using StackExchange.Redis;

namespace RetryDemo.HelloService.Faults.State;

/// <summary>The changes this replica announced and waits on, each answered by the replicas that heard it.</summary>
internal sealed class Announcements(TimeProvider timeProvider, ILogger logger)
{
    public const string ChangePrefix = "change:";

    private readonly ConcurrentDictionary<string, AnnouncementHearing> _waiting = new();

    public async Task AnnounceAsync(ISubscriber subscriber, TimeSpan timeout)
    {
        var change = ChangePrefix + Guid.NewGuid().ToString("N");
        var hearing = new AnnouncementHearing();
        _waiting[change] = hearing;
        try
        {
            var told = await subscriber.PublishAsync(StoreKeys.FaultSwitchesChanged, change);
            await hearing.ByAll(told).WaitAsync(timeout, timeProvider);
            FaultStateLog.ChangeHeardByAll(logger, told);
        }
        catch (TimeoutException) when (hearing.Told >= 0)
        {
            // Gone or stalled: once its connection is lost it holds nothing, and nothing is held past
            // CachedFaultSwitches.LongestHeld, well inside this wait.
            FaultStateLog.ChangeNotHeardByAll(logger, hearing.Count, hearing.Told);
        }
        catch (Exception ex) when (StoreFailure.Is(ex))
        {
            // The change is written; what replicas hold from before it is gone within LongestHeld.
            FaultStateLog.ChangeNotAnnounced(logger, ex.GetType().Name);
        }
        finally
        {
            _waiting.TryRemove(change, out _);
        }
    }

    /// <summary>A replica's answer on <see cref="StoreKeys.FaultSwitchesHeard"/>.</summary>
    public void OnHeard(RedisChannel channel, RedisValue message)
    {
        if ((string?)message is { } change && _waiting.TryGetValue(change, out var hearing))
        {
            hearing.Add();
        }
    }
}
