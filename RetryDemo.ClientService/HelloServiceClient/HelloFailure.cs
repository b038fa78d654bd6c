namespace RetryDemo.ClientService.HelloServiceClient;

public enum HelloFailure
{
    /// <summary>Every attempt failed transiently and the retries ran out.</summary>
    Exhausted,
    /// <summary>A retry was due, but the retry budget was spent (too many recent retries); the last failure stands.</summary>
    RetryBudgetExhausted,
    /// <summary>HelloService asked for a Retry-After longer than the call could wait; not slept out.</summary>
    RetryAfterBeyondBudget,
    /// <summary>HelloService answered a non-transient error (a 4xx other than 408/429); not retried.</summary>
    Rejected,
    /// <summary>The circuit breaker is open; HelloService was not called.</summary>
    CircuitOpen,
    /// <summary>The total request timeout ended the call.</summary>
    TimedOut,
    /// <summary>No connection could be made.</summary>
    Unreachable,
    /// <summary>A success status with a body that is not a greeting.</summary>
    BadResponse,
    /// <summary>A write's attempts all failed and HelloService could not say whether one was committed.</summary>
    OutcomeUnknown,
    /// <summary>ClientService is at its limit of concurrent calls to HelloService (the pipeline's rate limiter); HelloService was not called.</summary>
    RateLimited,
}
