using System.Globalization;
using System.Net.Http.Json;
using RetryDemo.Benchmarks.LoopbackClient;
using RetryDemo.Processes;
using RetryDemo.Benchmarks.Profiling;
using RetryDemo.Benchmarks.Statistics;

namespace RetryDemo.Benchmarks.Loopback;

/// <summary>
/// The HttpClient pipelines end to end on loopback: wrk calls the client host, which calls
/// HelloService, both real processes. Per run: throughput and latency, and — stable on a noisy
/// machine, where throughput is not — the client host's own CPU time and allocated bytes per request
/// (its /stats before and after). The pipelines are measured in the same run, interleaved (in a
/// Williams order) and repeated, so drift on a shared machine hits all alike; the tables report
/// medians and the spread across rounds.
/// </summary>
public static class LoopbackExperiment
{
    private const int HelloPort = 5203;
    private const int ClientPort = 5204;
    private const int WrkThreads = 2;
    private const int WrkConnections = 32;

    private static readonly string[] Pipelines = ["bare", "polly-v7", "standard", "tuned"];

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        // --profile: the measured rounds, then a dotnet-trace sample per pipeline; --profile-only: just the samples.
        var profileOnly = args.Contains("--profile-only");
        // A multiple of four: every four rounds each pipeline runs once in each position and once right after each other one.
        var rounds = profileOnly ? 0 : smoke ? 1 : 8;
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

        using var stats = new HttpClient { BaseAddress = client.Address };
        var runs = new List<Run>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var pipeline in Order(round - 1))
            {
                var before = await stats.GetFromJsonAsync<HostStats>("/stats");
                var result = await Wrk.RunAsync(new Uri(client.Address, pipeline), WrkThreads, WrkConnections, duration);
                var after = await stats.GetFromJsonAsync<HostStats>("/stats");
                var requests = Math.Max(1, after!.Requests - before!.Requests);
                var run = new Run(round, pipeline, result, 1000 * (after.CpuMilliseconds - before.CpuMilliseconds) / requests, (after.AllocatedBytes - before.AllocatedBytes) / (double)requests);
                runs.Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round}/{rounds} {pipeline,-8} {result.RequestsPerSecond,9:F0} req/s  p50 {result.P50Milliseconds:F2} ms  p99 {result.P99Milliseconds:F2} ms  {run.CpuMicroseconds,6:F1} µs CPU/req  {run.Bytes,7:F0} B/req  errors {result.Errors}"));
            }
        }

        if (!profileOnly)
        {
            PrintTable(runs, rounds, duration);
            Directory.CreateDirectory("artifacts");
            await File.WriteAllLinesAsync("artifacts/loopback.csv", [
                "round,pipeline,requests_per_sec,p50_ms,p99_ms,requests,errors,cpu_us_per_request,bytes_per_request",
                .. runs.Select(run => string.Create(CultureInfo.InvariantCulture,
                    $"{run.Round},{run.Pipeline},{run.Result.RequestsPerSecond:F1},{run.Result.P50Milliseconds:F3},{run.Result.P99Milliseconds:F3},{run.Result.Requests},{run.Result.Errors},{run.CpuMicroseconds:F2},{run.Bytes:F0}")),
            ]);
            Console.WriteLine($"Every run written to {Path.GetFullPath("artifacts/loopback.csv")}.");
        }

        if (profileOnly || args.Contains("--profile"))
        {
            await ProfileAsync(client, stats, TimeSpan.FromSeconds(smoke ? 2 : 10), smoke ? 1 : 2);
        }

        return 0;
    }

    /// <summary>
    /// After the measured rounds (tracing slows the process down): under the same wrk load, a
    /// dotnet-trace sample of the client host per pipeline, its managed CPU charged to assemblies as
    /// shares. The sampler also counts threads that are ready but waiting for one of the two cores,
    /// so its time is read as shares only; the process's own CPU per request during the traces comes from /stats.
    /// </summary>
    private static async Task ProfileAsync(ServiceProcess client, HttpClient stats, TimeSpan traced, int rounds)
    {
        // Interleaved like the measured rounds, so a slower stretch of the machine does not land on one pipeline.
        var traces = Pipelines.ToDictionary(pipeline => pipeline, _ => new List<(SampledProfile Profile, double CpuMilliseconds, long Requests)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var pipeline in Order(round))
            {
                // wrk starts first, so its connections are busy before the trace, and outlasts the tool's start and stop.
                var load = Wrk.RunAsync(new Uri(client.Address, pipeline), WrkThreads, WrkConnections, traced + TimeSpan.FromSeconds(12));
                await Task.Delay(TimeSpan.FromSeconds(2));
                var before = await stats.GetFromJsonAsync<HostStats>("/stats");
                var nettrace = $"artifacts/profile-{pipeline}-{round + 1}.nettrace";
                await DotnetTrace.CollectSampledThreadTimeAsync(client.ProcessId, traced, nettrace);
                var after = await stats.GetFromJsonAsync<HostStats>("/stats");
                await load;
                var speedscope = await DotnetTrace.ConvertToSpeedscopeAsync(nettrace);
                traces[pipeline].Add((SampledProfile.Read(speedscope), after!.CpuMilliseconds - before!.CpuMilliseconds, after.Requests - before.Requests));
            }
        }

        var profiles = Pipelines
            .Select(pipeline => (
                Pipeline: pipeline,
                Profile: SampledProfile.Sum(traces[pipeline].Select(trace => trace.Profile)),
                CpuMicroseconds: 1000 * traces[pipeline].Sum(trace => trace.CpuMilliseconds) / Math.Max(1, traces[pipeline].Sum(trace => trace.Requests))))
            .ToList();
        string Share(SampledProfile profile, Func<string, bool> assemblies) =>
            (100 * profile.MillisecondsByAssembly.Where(entry => assemblies(entry.Key)).Sum(entry => entry.Value) / profile.TotalMilliseconds).ToString("F1", CultureInfo.InvariantCulture);
        var rows = profiles.SelectMany(p => p.Profile.MillisecondsByAssembly.Keys).Distinct()
            .Where(assembly => profiles.Max(p => p.Profile.MillisecondsByAssembly.GetValueOrDefault(assembly) / p.Profile.TotalMilliseconds) >= 0.003)
            .OrderByDescending(assembly => profiles.Max(p => p.Profile.MillisecondsByAssembly.GetValueOrDefault(assembly) / p.Profile.TotalMilliseconds))
            .ToList();
        Console.WriteLine();
        Console.WriteLine($"Share of the client host's sampled managed CPU by assembly (%; dotnet-trace dotnet-sampled-thread-time, {rounds} × {traced.TotalSeconds:F0} s under wrk per pipeline, interleaved; artifacts/profile-<pipeline>-<round>.speedscope.json):");
        Console.WriteLine($"| Assembly | {string.Join(" | ", profiles.Select(p => p.Pipeline))} |");
        Console.WriteLine($"|---|{string.Concat(profiles.Select(_ => "---:|"))}");
        foreach (var assembly in rows)
        {
            Console.WriteLine($"| {assembly} | {string.Join(" | ", profiles.Select(p => Share(p.Profile, name => name == assembly)))} |");
        }

        Console.WriteLine($"| the resilience pipeline's assemblies | {string.Join(" | ", profiles.Select(p => Share(p.Profile, IsPipeline)))} |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| client host CPU µs/request during the traces (/stats) | {string.Join(" | ", profiles.Select(p => p.CpuMicroseconds.ToString("F1", CultureInfo.InvariantCulture)))} |"));
    }

    /// <summary>
    /// A Williams design for four: a rotation alone would always run the same pipeline after the same
    /// other one, and a run inherits the one before it (GC budgets, the thread pool's size, the CPU's speed).
    /// </summary>
    private static IEnumerable<string> Order(int round) =>
        WilliamsOrders[round % WilliamsOrders.Length].Select(index => Pipelines[index]);

    private static readonly int[][] WilliamsOrders = [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]];

    private static bool IsPipeline(string assembly) =>
        assembly.StartsWith("Polly", StringComparison.Ordinal)
        || assembly is "Microsoft.Extensions.Http.Resilience" or "Microsoft.Extensions.Resilience" or "System.Threading.RateLimiting" or "Microsoft.Extensions.Http.Polly";

    private static void PrintTable(List<Run> runs, int rounds, TimeSpan duration)
    {
        var bare = runs.Where(run => run.Pipeline == "bare").ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| Pipeline | CPU µs/request (median of {rounds}) | Min–max | ÷ bare | Bytes/request | Requests/s | Min–max | ÷ bare | p50 | p99 | Errors |"));
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var pipeline in Pipelines)
        {
            var results = runs.Where(run => run.Pipeline == pipeline).ToList();
            var cpu = Quantiles.Median(results.Select(r => r.CpuMicroseconds));
            var rps = Quantiles.Median(results.Select(r => r.Result.RequestsPerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {pipeline} | {cpu:F1} | {results.Min(r => r.CpuMicroseconds):F1}–{results.Max(r => r.CpuMicroseconds):F1} | {cpu / Quantiles.Median(bare.Select(r => r.CpuMicroseconds)):F3} | {Quantiles.Median(results.Select(r => r.Bytes)):N0} | {rps:N0} | {results.Min(r => r.Result.RequestsPerSecond):N0}–{results.Max(r => r.Result.RequestsPerSecond):N0} | {rps / Quantiles.Median(bare.Select(r => r.Result.RequestsPerSecond)):F3} | {Quantiles.Median(results.Select(r => r.Result.P50Milliseconds)):F2} ms | {Quantiles.Median(results.Select(r => r.Result.P99Milliseconds)):F2} ms | {results.Sum(r => r.Result.Errors)} |"));
        }

        // Same-round ratios: how much of a gap is the pipeline and how much is drift between rounds.
        string PerRound(string pipeline, Func<Run, double> value) => string.Join(", ", runs.GroupBy(run => run.Round).Select(round =>
            (value(round.Single(run => run.Pipeline == pipeline)) / value(round.Single(run => run.Pipeline == "bare"))).ToString("F3", CultureInfo.InvariantCulture)));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrk -t{WrkThreads} -c{WrkConnections} -d{duration.TotalSeconds}s --latency; medians across rounds. Per round, tuned ÷ bare: CPU/request {PerRound("tuned", r => r.CpuMicroseconds)}; requests/s {PerRound("tuned", r => r.Result.RequestsPerSecond)}. Standard ÷ bare CPU/request: {PerRound("standard", r => r.CpuMicroseconds)}."));
    }

    /// <param name="CpuMicroseconds">The client host's CPU time (user + system) per forwarded request.</param>
    /// <param name="Bytes">The client host's allocations per forwarded request.</param>
    private sealed record Run(int Round, string Pipeline, WrkResult Result, double CpuMicroseconds, double Bytes);
}
