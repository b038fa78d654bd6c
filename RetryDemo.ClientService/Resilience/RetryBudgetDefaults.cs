namespace RetryDemo.ClientService.Resilience;

/// <summary>The shipped retry budget: gRPC's retry throttling, sized for the HelloService hop.</summary>
public static class RetryBudgetDefaults
{
    public const bool Enabled = true;

    /// <summary>
    /// Sized with the random walk's model (budget-model, docs/retry-budget.md): the smallest bucket that a
    /// caller meeting 50 % random failures practically never drains, where a smaller one refused retries in
    /// a good share of runs. What it costs: half the bucket of failures in a row before retries stop, a
    /// fixed number of extra attempts a full outage sends HelloService, whatever its length.
    /// </summary>
    public const int MaxTokens = 50;

    /// <summary>
    /// Two: retries go on while fewer than two attempts in three fail (1 × failures ≤ 2 × successes).
    /// At 50 % random failures the bucket fills (−1 and +2 alike often), so retries go on; at 80 % it
    /// drains and retries mostly stop; at 100 % they stop once half the bucket is gone.
    /// </summary>
    public const double TokenRatio = 2;
}
