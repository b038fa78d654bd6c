using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace RetryDemo.ServiceDefaults;

/// <summary>
/// Reloadable options that survive a bad reload: an invalid change is rejected and logged once, and the
/// last valid values stay in force, so a typo in configuration never turns every request into a 500.
/// Start-up still fails on invalid values (<c>ValidateOnStart</c>); this only guards later reloads.
/// Registered with <see cref="LastValidOptionsExtensions.KeepLastValid"/>, which takes the first values
/// at start-up: taken at the first request instead, they might already be a bad reload's.
/// </summary>
public sealed partial class LastValidOptions<T> : IHostedService where T : class
{
    private readonly IOptionsMonitor<T> _monitor;
    private readonly ILogger<LastValidOptions<T>> _logger;
    private readonly IDisposable? _changes;
    private T _lastValid;
    private string? _lastRejection;

    public LastValidOptions(IOptionsMonitor<T> monitor, ILogger<LastValidOptions<T>> logger)
    {
        _monitor = monitor;
        _logger = logger;
        _lastValid = monitor.CurrentValue;
        // Every valid reload, as it happens: two reloads between reads (a valid one, then an invalid one) would
        // otherwise fall back to the values of start-up, not the last valid ones.
        _changes = monitor.OnChange(valid => Volatile.Write(ref _lastValid, valid));
    }

    public T Current
    {
        get
        {
            try
            {
                // The last valid values are OnChange's to keep: a read here may hold values older than a reload's.
                var current = _monitor.CurrentValue;
                _lastRejection = null;
                return current;
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
            {
                // Invalid values, or values that don't even convert (LatencyMs=abc: the binder throws InvalidOperationException).
                // Once per rejected change, not once per request.
                if (ex.Message != Interlocked.Exchange(ref _lastRejection, ex.Message))
                {
                    InvalidReloadIgnored(_logger, typeof(T).Name, ex.Message);
                }

                return Volatile.Read(ref _lastValid);
            }
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        _changes?.Dispose();
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Reloaded {Options} configuration is invalid and was ignored; the last valid values stay in force: {Reason}")]
    private static partial void InvalidReloadIgnored(ILogger logger, string options, string reason);
}
