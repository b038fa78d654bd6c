using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The tuned pipeline for the HelloService hop: a fast internal call, so first retry within a few
/// hundred milliseconds and more attempts than the standard defaults, all inside a bounded budget.
/// These are the values: configuration (<c>HelloClient:Resilience</c>) only overrides them.
/// </summary>
public static class HelloResilienceDefaults
{
    /// <summary>5 attempts in all: at 30 % independent failures, 1 − 0.3⁵ ≈ 99.8 % succeed.</summary>
    public const int MaxRetryAttempts = 4;

    /// <summary>Median first delay; jittered exponential growth 0.2 → 0.4 → 0.8 → 1.6 s.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>Caps each computed delay so the fourth retry never waits more than this.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>HelloService answers in milliseconds; 2 s means it is stuck, so cut it and retry.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Bounds the whole call: 5 × 2 s attempts plus ≈ 3 s of backoff fit inside.</summary>
    public static readonly TimeSpan TotalRequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Short, because good answers from before an outage keep the breaker shut until they leave the
    /// window: ≈ 5 s into a full outage it opens. The handler requires at least 2 × the attempt timeout.
    /// </summary>
    public static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every sampled attempt failed: HelloService is down, not flaky. Partial failure (50 %, 80 %) is the
    /// retry budget's to handle; an attempt breaker at 0.5 turned a half-healthy HelloService into a dead one.
    /// </summary>
    public const double BreakerFailureRatio = 1.0;

    /// <summary>Ten attempts in a row failing inside the window: two calls' worth for a lone caller.</summary>
    public const int BreakerMinimumThroughput = 10;

    /// <summary>Polly's shortest: a probe every half second, so calls succeed again within a second of HelloService's return.</summary>
    public static readonly TimeSpan BreakerBreakDuration = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Calls to HelloService in flight at once, beyond which a call is shed at once (503, Retry-After, reason
    /// RateLimited), with no queue. A permit is held for the whole call, retries and backoff included, so
    /// this bounds the work and memory a slow HelloService can pile up: 1,000 calls for at most the 15 s
    /// total timeout. Measured with RetryDemo.Benchmarks/Edge/overload.sh (docs/benchmarks.md): lower
    /// limits shed more without serving faster, since a caller shed re-sends at once.
    /// </summary>
    public const int ConcurrentCalls = 1000;

    public static void Apply(HttpStandardResilienceOptions options)
    {
        options.RateLimiter.DefaultRateLimiterOptions.PermitLimit = ConcurrentCalls;
        options.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 0;
        options.Retry.MaxRetryAttempts = MaxRetryAttempts;
        options.Retry.BackoffType = DelayBackoffType.Exponential;
        options.Retry.UseJitter = true;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.ShouldRetryAfterHeader = true;
        options.AttemptTimeout.Timeout = AttemptTimeout;
        options.TotalRequestTimeout.Timeout = TotalRequestTimeout;
        options.CircuitBreaker.SamplingDuration = BreakerSamplingDuration;
        options.CircuitBreaker.FailureRatio = BreakerFailureRatio;
        options.CircuitBreaker.MinimumThroughput = BreakerMinimumThroughput;
        options.CircuitBreaker.BreakDuration = BreakerBreakDuration;
    }
}
