namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>Each <see cref="HelloFailure"/> as the <c>retrydemo.outcome</c> tag of ClientService's call metrics.</summary>
public static class HelloFailureTag
{
    public static string Of(HelloFailure failure) => failure switch
    {
        HelloFailure.Exhausted => "exhausted",
        HelloFailure.RetryBudgetExhausted => "budget_exhausted",
        HelloFailure.RetryAfterBeyondBudget => "retry_after_beyond_budget",
        HelloFailure.CircuitOpen => "circuit_open",
        HelloFailure.TimedOut => "timed_out",
        HelloFailure.Unreachable => "unreachable",
        HelloFailure.Rejected => "rejected",
        HelloFailure.BadResponse => "bad_response",
        HelloFailure.OutcomeUnknown => "outcome_unknown",
        HelloFailure.RateLimited => "rate_limited",
        _ => "other",
    };
}
