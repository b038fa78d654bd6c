using Microsoft.Extensions.Options;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// The configured fault profile. A reload with invalid values is rejected and logged, and the last
/// valid profile stays in force, so a typo in configuration never turns into 500s.
/// </summary>
public sealed class FaultProfile
{
    private readonly IOptionsMonitor<FaultOptions> _monitor;
    private readonly ILogger<FaultProfile> _logger;
    private FaultOptions _lastValid;
    private string? _lastRejection;

    public FaultProfile(IOptionsMonitor<FaultOptions> monitor, ILogger<FaultProfile> logger)
    {
        _monitor = monitor;
        _logger = logger;
        _lastValid = monitor.CurrentValue;
    }

    public FaultOptions Current
    {
        get
        {
            try
            {
                _lastValid = _monitor.CurrentValue;
                _lastRejection = null;
                return _lastValid;
            }
            catch (OptionsValidationException ex)
            {
                // Log each rejected profile once, not on every request.
                if (ex.Message != Interlocked.Exchange(ref _lastRejection, ex.Message))
                {
                    FaultLog.InvalidProfileIgnored(_logger, ex.Message);
                }

                return _lastValid;
            }
        }
    }
}
