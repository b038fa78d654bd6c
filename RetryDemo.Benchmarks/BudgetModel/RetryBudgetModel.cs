using System.Globalization;
using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.Benchmarks.BudgetModel;

/// <summary>
/// The retry budget's random walk, simulated with the product's own <see cref="RetryBudget"/> and the
/// rule <see cref="RetryDecision"/> applies (a transient failure takes a token; a retry only while more
/// than half the bucket is left; 5 attempts at most). Attempts fail independently with probability p.
/// For each bucket size and ratio: how often 200 sequential calls at 50 % meet any refusal, the success
/// rate's spread, the same for 1,000 calls (8 callers at 50 req/s for 20 s: the shared bucket sees the
/// same attempts interleaved), and what the values cost at 80 % and 100 % failures (attempts per call).
///   dotnet run -c Release --project RetryDemo.Benchmarks -- budget-model [trials]
/// Seeded: the same trials every run.
/// </summary>
public static class RetryBudgetModel
{
    private const int MaxAttempts = HelloResilienceDefaults.MaxRetryAttempts + 1;

    public static Task<int> RunAsync(string[] args)
    {
        var trials = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        Console.WriteLine($"{trials:N0} seeded trials per cell; 5 attempts per call at most.");
        Console.WriteLine();
        Console.WriteLine("| Bucket | Ratio | 200 calls at 50 %: runs with any refusal | success, median (min) | 1,000 calls at 50 %: runs with any refusal | success, min | attempts/call at 80 % | success at 80 % | attempts/call at 100 % (1,000 calls) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var bucket in new[] { 20, 50, 100 })
        {
            foreach (var ratio in new[] { 2.0, 3.0 })
            {
                var sequential = Run(bucket, ratio, 0.5, calls: 200, trials, seed: 1);
                var concurrent = Run(bucket, ratio, 0.5, calls: 1_000, trials / 10, seed: 2);
                var heavy = Run(bucket, ratio, 0.8, calls: 1_000, trials / 10, seed: 3);
                var outage = Run(bucket, ratio, 1.0, calls: 1_000, 1, seed: 4);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {bucket} | {ratio:0} | {sequential.RefusedRuns:P2} | {sequential.MedianSuccess:P1} ({sequential.MinSuccess:P1}) | {concurrent.RefusedRuns:P2} | {concurrent.MinSuccess:P1} | {heavy.AttemptsPerCall:0.00} | {heavy.MeanSuccess:P1} | {outage.AttemptsPerCall:0.000} |"));
            }
        }

        return Task.FromResult(0);
    }

    private sealed record Cell(double RefusedRuns, double MedianSuccess, double MinSuccess, double MeanSuccess, double AttemptsPerCall);

    private static Cell Run(int bucket, double ratio, double failure, int calls, int trials, int seed)
    {
        var random = new Random(seed);
        var refusedRuns = 0;
        var successes = new List<double>(trials);
        long attempts = 0;
        for (var trial = 0; trial < trials; trial++)
        {
            var budget = new RetryBudget(Options.Create(new RetryBudgetOptions { Enabled = true, MaxTokens = bucket, TokenRatio = ratio }));
            var refused = false;
            var succeeded = 0;
            for (var call = 0; call < calls; call++)
            {
                for (var attempt = 1; attempt <= MaxAttempts; attempt++)
                {
                    attempts++;
                    if (random.NextDouble() >= failure)
                    {
                        budget.RecordSuccess();
                        succeeded++;
                        break;
                    }

                    budget.RecordFailure();
                    if (attempt < MaxAttempts && !budget.RetriesAllowed)
                    {
                        refused = true;
                        break;
                    }
                }
            }

            refusedRuns += refused ? 1 : 0;
            successes.Add((double)succeeded / calls);
        }

        successes.Sort();
        return new Cell((double)refusedRuns / trials, successes[successes.Count / 2], successes[0], successes.Average(), (double)attempts / trials / calls);
    }
}
