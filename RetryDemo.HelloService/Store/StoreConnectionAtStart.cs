using StackExchange.Redis;

namespace RetryDemo.HelloService.Store;

/// <summary>
/// Holds HelloService's start until its store connections are up (the client's, and the commits' own), for
/// at most <see cref="Longest"/>, so the first requests don't meet a client still connecting (which fails
/// them at once: the client fails fast rather than queue). On a loaded machine the first connect can
/// outlast its 1 s timeout, and the client then connects on its next heartbeat. Past the bound HelloService
/// starts anyway: it serves what needs nothing from the store, and a store that is down must not keep it
/// down too. A stop asked for while it waits ends the wait, not the process's clean stop.
/// </summary>
public sealed class StoreConnectionAtStart(IConnectionMultiplexer store, StoreCommits commits, TimeProvider timeProvider, ILogger<StoreConnectionAtStart> logger) : IHostedService
{
    /// <summary>The longest the start waits for the store.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    /// <summary>How often the connection is looked at while waiting.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(50);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var waited = false;
        commits.Connect();
        while (!(store.IsConnected && commits.IsConnected))
        {
            if (timeProvider.GetElapsedTime(started) >= Longest)
            {
                StoreLog.NotConnectedAtStart(logger, Longest.TotalSeconds);
                return;
            }

            waited = true;
            try
            {
                await Task.Delay(CheckEvery, timeProvider, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }

        if (waited)
        {
            StoreLog.ConnectedAtStart(logger, timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
