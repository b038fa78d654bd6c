namespace RetryDemo.ClientService.Resilience;

/// <summary>The shipped retry budget: gRPC's retry throttling, sized for the HelloService hop.</summary>
public static class RetryBudgetDefaults
{
    public const bool Enabled = true;

    /// <summary>
    /// Fifty, from the random walk (budget-model, docs/retry-budget.md): at 50 % random failures a bucket
    /// of 20 refused some retry in 37 % of 200-call runs (90 % of 1,000-call runs), 50 in none of
    /// 10,000 (0.2 % of 1,000-call runs). What it costs: 25 failures in a row before retries stop, so a
    /// full outage sends HelloService about 25 extra attempts in all (1.02× over 1,000 calls).
    /// </summary>
    public const int MaxTokens = 50;

    /// <summary>
    /// Two: retries go on while fewer than two attempts in three fail (1 × failures ≤ 2 × successes).
    /// At 50 % random failures the bucket fills (−1 and +2 alike often), so ≈ 97 % of calls succeed;
    /// at 80 % it drains and retries mostly stop; at 100 % they stop after ten failures.
    /// </summary>
    public const double TokenRatio = 2;
}
