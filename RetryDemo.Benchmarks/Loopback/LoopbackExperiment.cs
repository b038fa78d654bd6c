using System.Globalization;
using RetryDemo.Benchmarks.Processes;

namespace RetryDemo.Benchmarks.Loopback;

/// <summary>
/// Throughput and latency of the three HttpClient pipelines end to end on loopback: wrk calls the
/// client host, which calls HelloService, both real processes. The pipelines are measured in the
/// same run, interleaved (order rotated each round) and repeated, so drift on a shared machine hits
/// all three alike; the table reports medians across rounds.
/// </summary>
public static class LoopbackExperiment
{
    private const int HelloPort = 5203;
    private const int ClientPort = 5204;
    private const int WrkThreads = 2;
    private const int WrkConnections = 32;

    private static readonly string[] Pipelines = ["bare", "polly-v7", "tuned"];

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        // A multiple of three, so each pipeline runs first, second and third equally often.
        var rounds = smoke ? 1 : 6;
        var duration = TimeSpan.FromSeconds(smoke ? 1 : 10);
        var warmUp = TimeSpan.FromSeconds(smoke ? 1 : 5);

        // Warning, not Information: the client host's ten log entries per request would cost more
        // than the pipelines being compared (about a third of its requests/s; docs/benchmarks.md).
        const string quietLogs = "--Logging:LogLevel:Default=Warning";
        using var hello = ServiceProcess.Start("RetryDemo.HelloService", HelloPort, quietLogs);
        using var client = ServiceProcess.Start("RetryDemo.Benchmarks.LoopbackClient", ClientPort, quietLogs,
            $"--HelloClient:BaseAddress={hello.Address}");
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));

        // JIT tiers and connection pools settle before anything counts.
        foreach (var pipeline in Pipelines)
        {
            await Wrk.RunAsync(new Uri(client.Address, pipeline), WrkThreads, WrkConnections, warmUp);
        }

        var runs = new List<(int Round, string Pipeline, WrkResult Result)>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var pipeline in Pipelines.Skip((round - 1) % Pipelines.Length).Concat(Pipelines.Take((round - 1) % Pipelines.Length)))
            {
                var result = await Wrk.RunAsync(new Uri(client.Address, pipeline), WrkThreads, WrkConnections, duration);
                runs.Add((round, pipeline, result));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}/{rounds} {pipeline,-8} {result.RequestsPerSecond,9:F0} req/s  p50 {result.P50Milliseconds:F2} ms  p99 {result.P99Milliseconds:F2} ms  errors {result.Errors}"));
            }
        }

        PrintTable(runs, rounds, duration);
        Directory.CreateDirectory("artifacts");
        await File.WriteAllLinesAsync("artifacts/loopback.csv", [
            "round,pipeline,requests_per_sec,p50_ms,p99_ms,requests,errors",
            .. runs.Select(run => string.Create(CultureInfo.InvariantCulture,
                $"{run.Round},{run.Pipeline},{run.Result.RequestsPerSecond:F1},{run.Result.P50Milliseconds:F3},{run.Result.P99Milliseconds:F3},{run.Result.Requests},{run.Result.Errors}")),
        ]);
        Console.WriteLine($"Every run written to {Path.GetFullPath("artifacts/loopback.csv")}.");
        return 0;
    }

    private static void PrintTable(List<(int Round, string Pipeline, WrkResult Result)> runs, int rounds, TimeSpan duration)
    {
        var bare = Median(runs.Where(run => run.Pipeline == "bare").Select(run => run.Result.RequestsPerSecond));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Pipeline | Requests/s (median of {rounds}) | Min–max | p50 | p99 | ÷ bare | Errors |"));
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var pipeline in Pipelines)
        {
            var results = runs.Where(run => run.Pipeline == pipeline).Select(run => run.Result).ToList();
            var rps = Median(results.Select(result => result.RequestsPerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {pipeline} | {rps:N0} | {results.Min(r => r.RequestsPerSecond):N0}–{results.Max(r => r.RequestsPerSecond):N0} | {Median(results.Select(r => r.P50Milliseconds)):F2} ms | {Median(results.Select(r => r.P99Milliseconds)):F2} ms | {rps / bare:F3} | {results.Sum(r => r.Errors)} |"));
        }

        // Same-round ratios: how much of the gap is the pipeline and how much is drift between rounds.
        var perRound = runs.GroupBy(run => run.Round).Select(round =>
            round.Single(run => run.Pipeline == "tuned").Result.RequestsPerSecond / round.Single(run => run.Pipeline == "bare").Result.RequestsPerSecond);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrk -t{WrkThreads} -c{WrkConnections} -d{duration.TotalSeconds}s --latency; p50/p99 are medians across rounds. tuned ÷ bare per round: {string.Join(", ", perRound.Select(ratio => ratio.ToString("F3", CultureInfo.InvariantCulture)))}"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
