using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults;

/// <summary>Service-wide faults set by an operator: fail the next N requests, or a full outage.</summary>
public sealed class FaultState
{
    private readonly Lock _gate = new();
    private int _failNextRemaining;
    private int _failNextStatus = FaultLimits.DefaultFailureStatusCode;
    private int _failNextRetryAfterSeconds;
    private bool _outage;

    public bool Outage
    {
        get { lock (_gate) return _outage; }
        set { lock (_gate) _outage = value; }
    }

    public void FailNext(int count, int statusCode, int retryAfterSeconds)
    {
        lock (_gate)
        {
            _failNextRemaining = count;
            _failNextStatus = statusCode;
            _failNextRetryAfterSeconds = retryAfterSeconds;
        }
    }

    /// <summary>Takes one of the "fail next" failures, if any are left.</summary>
    public bool TryTakeFailNext(out int statusCode, out int retryAfterSeconds)
    {
        lock (_gate)
        {
            statusCode = _failNextStatus;
            retryAfterSeconds = _failNextRetryAfterSeconds;
            if (_failNextRemaining == 0)
            {
                return false;
            }

            _failNextRemaining--;
            return true;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _failNextRemaining = 0;
            _failNextStatus = FaultLimits.DefaultFailureStatusCode;
            _failNextRetryAfterSeconds = 0;
            _outage = false;
        }
    }

    public FaultStateSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new FaultStateSnapshot(_outage, _failNextRemaining, _failNextStatus, _failNextRetryAfterSeconds);
        }
    }
}
