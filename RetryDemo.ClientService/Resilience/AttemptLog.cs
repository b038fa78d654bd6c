namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The attempts of one logical call, filled in by <see cref="AttemptRecordingHandler"/> (which sits
/// inside the resilience pipeline and so sees every attempt). Travels on an <see cref="AttemptLoggedRequest"/>.
/// </summary>
/// <param name="requestId">The logical call's id, the same on every attempt (HelloClient sends it as a header).</param>
/// <param name="hedged">The call runs through the hedging pipeline: attempts after the first are hedges, and may run at once.</param>
public sealed class AttemptLog(string requestId, TimeProvider timeProvider, CancellationToken callCancellation, HangUpDrains? drains = null, bool hedged = false)
{
    /// <summary>Where a hedged call's log rides on its requests: the hedging handler sends clones, which copy Options.</summary>
    public static readonly HttpRequestOptionsKey<AttemptLog> OptionKey = new("RetryDemo.AttemptLog");

    /// <summary>Which attempt of a hedged call a request is, so the call knows which one answered.</summary>
    public static readonly HttpRequestOptionsKey<int> NumberKey = new("RetryDemo.AttemptNumber");

    /// <summary>The log <paramref name="request"/> carries, or null for a request sent without one.</summary>
    public static AttemptLog? Of(HttpRequestMessage? request) => request switch
    {
        AttemptLoggedRequest logged => logged.Log,
        null => null,
        _ => request.Options.TryGetValue(OptionKey, out var log) ? log : null,
    };

    public string RequestId { get; } = requestId;

    public bool Hedged { get; } = hedged;

    private readonly Lock _gate = new();
    private readonly List<AttemptRecord> _attempts = [];
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly CancellationTokenSource _call = new();
    private long _lastEnded = -1;
    private int _stop = -1;
    private int _inFlight;
    private bool _draining;

    /// <summary>
    /// The token the call's pipeline runs on: cancelled when the caller gives up, but never in the middle of an
    /// attempt. An attempt cut mid-request costs its pooled connection (HTTP/1.1 cannot abandon a request and
    /// keep the connection), so a caller who hangs up would cost one per request; instead the attempt in
    /// flight finishes (its own timeouts still bound it, and at most <see cref="HangUpDrains.Capacity"/> run on at
    /// once) and the call stops before the next one.
    /// </summary>
    public CancellationToken CallToken => _call.Token;

    /// <summary>Ties <see cref="CallToken"/> to the caller's cancellation; dispose the result when the call ends.</summary>
    public CancellationTokenRegistration FollowCaller() => callCancellation.UnsafeRegister(static state => ((AttemptLog)state!).CallerGone(), this);

    private void CallerGone()
    {
        lock (_gate)
        {
            _draining = _inFlight > 0 && (drains?.TryTake() ?? true);
            if (_draining)
            {
                return; // EndAttempt cancels.
            }
        }

        _call.Cancel();
    }

    /// <summary>True when the caller cancelled; an attempt cancelled otherwise was cut by a timeout.</summary>
    public bool CallCancelled => callCancellation.IsCancellationRequested;

    public IReadOnlyList<AttemptRecord> Attempts
    {
        get { lock (_gate) return [.. _attempts]; }
    }

    public TimeSpan Elapsed => timeProvider.GetElapsedTime(_started);

    /// <summary>Why the last failed attempt was not retried, as <see cref="RetryDecision"/> decided it; null while none was refused.</summary>
    public RetryStop? Stop => Volatile.Read(ref _stop) is var stop and >= 0 ? (RetryStop)stop : null;

    public void RecordStop(RetryStop stop) => Volatile.Write(ref _stop, (int)stop);

    public long BeginAttempt(out int number, out TimeSpan delayBefore)
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            number = _attempts.Count + 1;
            _inFlight++;
            delayBefore = _lastEnded < 0 ? TimeSpan.Zero : timeProvider.GetElapsedTime(_lastEnded, now);
            // Reserve the slot so a concurrent (hedged) attempt gets the next number.
            _attempts.Add(new AttemptRecord(number, null, null, TimeSpan.Zero, delayBefore, timeProvider.GetElapsedTime(_started, now), Hedge: Hedged && number > 1));
        }

        return now;
    }

    public AttemptRecord EndAttempt(int number, long startedAt, int? statusCode, string? error, string? instance = null)
    {
        var now = timeProvider.GetTimestamp();
        lock (_gate)
        {
            var record = _attempts[number - 1] with
            {
                StatusCode = statusCode,
                Error = error,
                Instance = instance,
                Duration = timeProvider.GetElapsedTime(startedAt, now),
            };
            _attempts[number - 1] = record;
            _lastEnded = now;
            if (--_inFlight > 0 || !_draining)
            {
                return record;
            }

            _draining = false;
        }

        drains?.Release();
        _call.Cancel();
        return _attempts[number - 1];
    }

    /// <summary>
    /// Marks the attempt whose answer the call returned: a retried call's last attempt, a hedged call's winner
    /// (the attempt <paramref name="answer"/> was sent as).
    /// </summary>
    public void MarkAnswered(HttpRequestMessage? answer)
    {
        lock (_gate)
        {
            var number = !Hedged ? _attempts.Count
                : answer is not null && answer.Options.TryGetValue(NumberKey, out var n) ? n
                : 0;
            if (number >= 1 && number <= _attempts.Count)
            {
                _attempts[number - 1] = _attempts[number - 1] with { Answered = true };
            }
        }
    }

    /// <summary>True when another attempt of this call has already been answered with anything but a transient failure: an attempt cancelled now lost a hedged race.</summary>
    public bool AnsweredElsewhere(int number)
    {
        lock (_gate)
        {
            return _attempts.Exists(a => a.Number != number && a.StatusCode is { } status && status is < 500 and not 408 and not 429);
        }
    }
}
