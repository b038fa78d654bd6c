namespace RetryDemo.ClientService.Resilience;

/// <summary>Why an attempt that failed was not retried: decided and recorded by <see cref="RetryDecision"/>.</summary>
public enum RetryStop
{
    /// <summary>Not a transient failure: a non-transient status (404…), the caller's cancellation, an open breaker.</summary>
    NotTransient,
    /// <summary>An unsafe method (POST, PUT, PATCH, DELETE) without an Idempotency-Key: a retry could repeat its effect.</summary>
    UnsafeMethod,
    /// <summary>HelloService asked for a Retry-After above the cap or beyond what is left of the total timeout.</summary>
    RetryAfterBeyondBudget,
    /// <summary>The last attempt the pipeline allows.</summary>
    AttemptsExhausted,
    /// <summary>The retry budget had no retry left.</summary>
    RetryBudgetExhausted,
}
