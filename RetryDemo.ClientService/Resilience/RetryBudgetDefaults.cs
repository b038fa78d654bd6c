namespace RetryDemo.ClientService.Resilience;

/// <summary>The shipped retry budget: gRPC's retry throttling, sized for the HelloService hop.</summary>
public static class RetryBudgetDefaults
{
    public const bool Enabled = true;

    /// <summary>
    /// Twenty: ten failures in a row (two calls' worth of attempts) stop retries, so an outage costs
    /// HelloService about ten extra attempts in all; a person clicking through failing scenarios still
    /// gets two fully retried calls.
    /// </summary>
    public const int MaxTokens = 20;

    /// <summary>
    /// Two: retries go on while fewer than two attempts in three fail (1 × failures ≤ 2 × successes).
    /// At 50 % random failures the bucket fills (−1 and +2 alike often), so ≈ 97 % of calls succeed;
    /// at 80 % it drains and retries mostly stop; at 100 % they stop after ten failures.
    /// </summary>
    public const double TokenRatio = 2;
}
