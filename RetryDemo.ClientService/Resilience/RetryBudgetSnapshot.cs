namespace RetryDemo.ClientService.Resilience;

/// <param name="Tokens">Left in the bucket.</param>
/// <param name="Threshold">Retries stop at or below this (half the bucket).</param>
public sealed record RetryBudgetSnapshot(double Tokens, int MaxTokens, double Threshold);
