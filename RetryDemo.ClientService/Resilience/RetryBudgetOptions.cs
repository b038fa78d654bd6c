using System.ComponentModel.DataAnnotations;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// The <c>HelloClient:RetryBudget</c> section: the <see cref="RetryBudget"/>'s bucket. Defaults and their
/// reasons are in <see cref="RetryBudgetDefaults"/>.
/// </summary>
public sealed class RetryBudgetOptions
{
    /// <summary>False sends every retry the retry strategy asks for (the standard handler's behaviour).</summary>
    public bool Enabled { get; set; } = RetryBudgetDefaults.Enabled;

    /// <summary>The bucket's size; retries stop once half of it is gone.</summary>
    [Range(2, 1000)]
    public int MaxTokens { get; set; } = RetryBudgetDefaults.MaxTokens;

    /// <summary>Tokens each good answer puts back (a transient failure takes one).</summary>
    [Range(0.001, 10.0)]
    public double TokenRatio { get; set; } = RetryBudgetDefaults.TokenRatio;
}
