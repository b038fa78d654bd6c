using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Processes;
using RetryDemo.Benchmarks.Processes;
using RetryDemo.Benchmarks.Statistics;

namespace RetryDemo.Benchmarks.HalfFailing;

/// <summary>
/// ClientService as shipped against a HelloService failing half of all attempts with 503, seeded so that
/// every run of this command meets the same failures: several runs of one sequential caller (200 calls),
/// then several runs of 8 callers making 50 calls/s together for 20 s, each call started on time however
/// long earlier ones take (open loop). Each run has a fresh ClientService (a fresh retry budget and
/// breaker). Per run: the share of calls answered, and why the others were not.
/// <c>half-failing [sequential runs] [concurrent runs] [--smoke]</c>, 10 and 5 by default.
/// </summary>
public static class HalfFailingExperiment
{
    private const int HelloPort = 5207, ClientPort = 5208;
    private const string FaultControlKey = "half-failing-experiment";

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var counts = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var sequentialRuns = smoke ? 1 : counts.Length > 0 ? counts[0] : 10;
        var concurrentRuns = smoke ? 1 : counts.Length > 1 ? counts[1] : 5;
        var calls = smoke ? 5 : 200;
        var duration = smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(20);

        using var hello = KeyedPair.StartHello(HelloPort, FaultControlKey);
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));

        var runs = new List<Run>();
        for (var run = 1; run <= sequentialRuns; run++)
        {
            Console.Error.WriteLine($"half-failing: sequential run {run}/{sequentialRuns} …");
            var clock = Stopwatch.StartNew();
            var outcomes = await WithClientAsync(hello, caller => SequentialAsync(caller, calls, firstSeed: run * 1_000_000));
            runs.Add(new Run("1 caller, one call after another", run, outcomes, clock.Elapsed));
        }

        for (var run = 1; run <= concurrentRuns; run++)
        {
            Console.Error.WriteLine($"half-failing: 8 callers, run {run}/{concurrentRuns} …");
            var clock = Stopwatch.StartNew();
            var outcomes = await WithClientAsync(hello, caller => OpenLoopAsync(caller, callers: 8, callsPerSecond: 50, duration, firstSeed: 100_000_000 + run * 1_000_000));
            runs.Add(new Run("8 callers, 50 calls/s together (open loop)", run, outcomes, clock.Elapsed));
        }

        Report(runs);
        return 0;
    }

    /// <summary>
    /// <paramref name="count"/> calls one after another, each at 50 % seeded by its number from
    /// <paramref name="firstSeed"/>; each call's outcome: "ok", or the problem's reason.
    /// </summary>
    public static async Task<List<string>> SequentialAsync(HttpClient caller, int count, int firstSeed)
    {
        var outcomes = new List<string>();
        for (var call = 0; call < count; call++)
        {
            outcomes.Add(await CallAsync(caller, firstSeed + call));
        }

        return outcomes;
    }

    // Caller i starts its calls at (i + k × callers) / rate seconds, whether or not its earlier calls have been answered.
    private static async Task<List<string>> OpenLoopAsync(HttpClient caller, int callers, int callsPerSecond, TimeSpan duration, int firstSeed)
    {
        var total = (int)(duration.TotalSeconds * callsPerSecond);
        var clock = Stopwatch.StartNew();
        var perCaller = await Task.WhenAll(Enumerable.Range(0, callers).Select(async i =>
        {
            var calls = new List<Task<string>>();
            for (var n = i; n < total; n += callers)
            {
                var due = TimeSpan.FromSeconds(n / (double)callsPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                calls.Add(CallAsync(caller, firstSeed + n));
            }

            return await Task.WhenAll(calls);
        }));
        return [.. perCaller.SelectMany(o => o)];
    }

    private static async Task<string> CallAsync(HttpClient caller, int seed)
    {
        using var response = await caller.GetAsync(string.Create(CultureInfo.InvariantCulture, $"/hello?failureRate=0.5&seed={seed}"));
        if (response.IsSuccessStatusCode)
        {
            return "ok";
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "?" : $"{(int)response.StatusCode}";
    }

    private static async Task<List<string>> WithClientAsync(ServiceProcess hello, Func<HttpClient, Task<List<string>>> calls)
    {
        using var client = KeyedPair.StartClient(".", ClientPort, hello.Address, FaultControlKey);
        await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        using var caller = KeyedPair.Caller(client, FaultControlKey, new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue });
        return await calls(caller);
    }

    private static void Report(List<Run> runs)
    {
        Console.WriteLine("Every attempt fails with 503 at 50 % (seeded per call); five attempts let 1 − 0.5⁵ = 96.9 % of calls through.");
        Console.WriteLine();
        Console.WriteLine("| Callers | Run | Calls | Answered | Exhausted (5 failures) | Refused by the budget | Breaker open | Other | Took |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            var count = (string outcome) => run.Outcomes.Count(o => o == outcome);
            var other = run.Outcomes.Count(o => o is not ("ok" or "Exhausted" or "RetryBudgetExhausted" or "CircuitOpen"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run.Callers} | {run.Number} | {run.Outcomes.Count} | {count("ok") / (double)run.Outcomes.Count:P1} | {count("Exhausted")} | {count("RetryBudgetExhausted")} | {count("CircuitOpen")} | {other} | {run.Took.TotalSeconds:F0} s |"));
        }

        Console.WriteLine();
        foreach (var group in runs.GroupBy(r => r.Callers))
        {
            var shares = group.Select(r => r.Outcomes.Count(o => o == "ok") / (double)r.Outcomes.Count).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key}: answered median {Quantiles.Of(shares, 0.5):P1} (min {shares[0]:P1}, max {shares[^1]:P1}); runs at or above 95 %: {shares.Count(s => s >= 0.95)}/{shares.Length}; runs with any budget refusal: {group.Count(r => r.Outcomes.Contains("RetryBudgetExhausted"))}/{shares.Length}."));
        }
    }

    private sealed record Run(string Callers, int Number, List<string> Outcomes, TimeSpan Took);
}
