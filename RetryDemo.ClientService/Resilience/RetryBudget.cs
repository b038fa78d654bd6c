using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// gRPC's retry throttling (gRFC A6) for the HelloService hop: a bucket of tokens, full at the start;
/// every attempt that fails transiently takes one, every good answer puts <c>TokenRatio</c> back; a
/// retry is allowed only while more than half the bucket is left. Retries that keep working pay for
/// themselves (50 % random failures: +1 per failure, +2 per success), while a HelloService that is down
/// drains the bucket after a handful of failures and gets first attempts only. Its memory is a number of
/// attempts, not a time window, so good answers from before an outage cannot pay for retries into it.
/// One per ClientService: every logical call to HelloService draws on it.
/// </summary>
public sealed class RetryBudget(IOptions<RetryBudgetOptions> options)
{
    private readonly RetryBudgetOptions _options = options.Value;
    private readonly Lock _gate = new();
    private double _tokens = options.Value.MaxTokens;

    public bool Enabled => _options.Enabled;

    /// <summary>Retries are allowed while more tokens than this are left.</summary>
    public double Threshold => _options.MaxTokens / 2.0;

    /// <summary>An attempt reached HelloService and failed transiently (5xx, 408, 429, timeout, no connection).</summary>
    public void RecordFailure()
    {
        lock (_gate)
        {
            _tokens = Math.Max(0, _tokens - 1);
        }
    }

    /// <summary>HelloService answered an attempt with anything but a transient failure.</summary>
    public void RecordSuccess()
    {
        // A full bucket, the usual case, stays full: no lock for the happy path.
        if (Volatile.Read(ref _tokens) >= _options.MaxTokens)
        {
            return;
        }

        lock (_gate)
        {
            _tokens = Math.Min(_options.MaxTokens, _tokens + _options.TokenRatio);
        }
    }

    /// <summary>
    /// Tells the budget how an attempt went, from the outcome a retry or hedging predicate sees. An attempt that
    /// never reached HelloService (an open breaker), one cut by its caller, and a 409 for a key still in progress
    /// say nothing about HelloService's health and are not counted.
    /// </summary>
    public void Observe(Outcome<HttpResponseMessage> outcome, bool transient, CancellationToken attemptCancellation)
    {
        if (!Enabled || outcome.Exception is BrokenCircuitException || attemptCancellation.IsCancellationRequested
            || IdempotencyConflict.IsInProgress(outcome.Result))
        {
            return;
        }

        if (transient)
        {
            RecordFailure();
        }
        else if (outcome.Result is not null)
        {
            RecordSuccess();
        }
    }

    /// <summary>
    /// A hedge is an extra attempt, like a retry: it is sent only while retries are allowed, and it takes a token
    /// as it goes, so hedges and retries together stay inside one budget. Checked and taken in one step.
    /// </summary>
    public bool TryTakeForHedge()
    {
        if (!Enabled)
        {
            return true;
        }

        lock (_gate)
        {
            if (_tokens <= Threshold)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }

    /// <summary>
    /// A hedge cut because its caller left, before anything answered, gives its token back: it said nothing
    /// about HelloService, and a stranger who hangs up must not be able to spend the budget everyone shares.
    /// </summary>
    public void ReturnHedgeToken()
    {
        if (!Enabled)
        {
            return;
        }

        lock (_gate)
        {
            _tokens = Math.Min(_options.MaxTokens, _tokens + 1);
        }
    }

    public bool RetriesAllowed
    {
        get
        {
            lock (_gate)
            {
                return _tokens > Threshold;
            }
        }
    }

    public RetryBudgetSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RetryBudgetSnapshot(_tokens, _options.MaxTokens, Threshold);
        }
    }
}
