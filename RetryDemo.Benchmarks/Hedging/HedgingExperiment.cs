using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Benchmarks.Charts;
using RetryDemo.Benchmarks.Processes;
using RetryDemo.Benchmarks.Statistics;
using RetryDemo.Processes;

namespace RetryDemo.Benchmarks.Hedging;

/// <summary>
/// The slow tail, three ways, on the same seeded faults: a plain call (one attempt, straight at HelloService),
/// ClientService's tuned retry (<c>GET /hello</c>) and its hedged call (<c>GET /hello/hedged</c>), with the
/// adaptive delay as shipped and with a constant 50 ms. Each row is 1,000 sequential calls (call i seeded i, so
/// every pipeline meets the same slow first attempts) against a fresh ClientService; then HelloService slow
/// everywhere (every reply 300 ms late), to show what a constant delay costs; then three HelloService replicas
/// of which one is slow on every attempt. Each row starts with 100 calls without faults (10 with --smoke), not measured. Per row: p50, p99, p99.9 and max of the call, attempts per call,
/// hedges the retry budget refused, calls that failed.
/// <c>hedging [calls] [--smoke]</c>.
/// </summary>
public static class HedgingExperiment
{
    private const int HelloPort = 5211, ClientPort = 5214;
    private const string FaultControlKey = "hedging-experiment-key";
    private static readonly double[] SlowRates = [0.01, 0.05, 0.2];

    private static readonly Pipeline[] Pipelines =
    [
        new("plain (one attempt)", Path: null, []),
        new("tuned retry", "/hello", []),
        new("hedged, adaptive delay (shipped)", "/hello/hedged", []),
        new("hedged, constant 50 ms", "/hello/hedged", ["--HelloClient:Hedging:AdaptiveDelay=false"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var calls = smoke ? 20 : args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1000);
        var warmUp = smoke ? 10 : 100;
        var rows = new List<Row>();

        await using (var hello = KeyedPair.StartHello(HelloPort, FaultControlKey))
        {
            await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
            foreach (var rate in SlowRates)
            {
                foreach (var pipeline in Pipelines)
                {
                    Console.Error.WriteLine($"hedging: slowRate {rate}, {pipeline.Name} …");
                    rows.Add(await RunRowAsync($"slowRate={rate.ToString(CultureInfo.InvariantCulture)}", pipeline, [hello], calls, warmUp,
                        seed => string.Create(CultureInfo.InvariantCulture, $"slowRate={rate}&slowMs=1000&seed={seed}")));
                }
            }

            foreach (var pipeline in Pipelines.Skip(2))
            {
                Console.Error.WriteLine($"hedging: slow everywhere, {pipeline.Name} …");
                rows.Add(await RunRowAsync("latencyMs=300 (slow everywhere)", pipeline, [hello], Math.Min(calls, 200), warmUp, _ => "latencyMs=300"));
            }
        }

        rows.AddRange(await RunOneSlowReplicaAsync(smoke ? 20 : Math.Min(calls, 300), warmUp));
        Report(rows);
        Plot(rows);
        return 0;
    }

    private static async Task<List<Row>> RunOneSlowReplicaAsync(int calls, int warmUp)
    {
        // Replica 3 answers every attempt a second late; ClientService's service discovery takes the three in turn.
        await using var fast1 = KeyedPair.StartHello(HelloPort + 10, FaultControlKey);
        await using var fast2 = KeyedPair.StartHello(HelloPort + 11, FaultControlKey);
        await using var slow = ServiceProcess.Start("RetryDemo.HelloService", HelloPort + 12, KeyedPair.QuietLogs, "--FaultControl:Enabled=true",
            $"--FaultControl:Key={FaultControlKey}", "--Faults:SlowRate=1", "--Faults:SlowMs=1000");
        ServiceProcess[] replicas = [fast1, fast2, slow];
        foreach (var replica in replicas)
        {
            await replica.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        }

        var rows = new List<Row>();
        foreach (var pipeline in Pipelines.Skip(1).Take(2))
        {
            Console.Error.WriteLine($"hedging: 3 replicas, one slow, {pipeline.Name} …");
            rows.Add(await RunRowAsync("3 replicas, one slow", pipeline, replicas, calls, warmUp, _ => ""));
        }

        return rows;
    }

    private static async Task<Row> RunRowAsync(string scenario, Pipeline pipeline, ServiceProcess[] hellos, int calls, int warmUp, Func<int, string> faults)
    {
        var refused = 0;
        ServiceProcess? client = null;
        if (pipeline.Path is not null)
        {
            var discovery = hellos.Select((h, i) => $"--services:hello:http:{i}={h.Address}");
            client = ServiceProcess.StartFrom(".", "RetryDemo.ClientService", ClientPort,
                [KeyedPair.QuietLogs, "--Logging:LogLevel:RetryDemo.ClientService.Hedging=Warning", $"--HelloClient:FaultControlKey={FaultControlKey}", .. discovery, .. pipeline.Settings]);
            client.LineWritten += line => { if (line.Contains("no hedge", StringComparison.Ordinal)) Interlocked.Increment(ref refused); };
            await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        }

        try
        {
            using var caller = KeyedPair.Caller(client ?? hellos[0], FaultControlKey);
            // Warm-up, not measured: JIT and connections, and the adaptive delay's first answers (fast ones, no faults).
            for (var call = 0; call < warmUp; call++)
            {
                await CallAsync(caller, pipeline, "", call);
            }

            var results = new List<(double Ms, int Attempts, bool Ok)>();
            for (var call = 0; call < calls; call++)
            {
                results.Add(await CallAsync(caller, pipeline, faults(call + 1), call));
            }

            return new Row(scenario, pipeline.Name, results.Select(r => r.Ms).Order().ToArray(), results.Average(r => r.Attempts), refused, results.Count(r => !r.Ok));
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<(double Ms, int Attempts, bool Ok)> CallAsync(HttpClient caller, Pipeline pipeline, string query, int call)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pipeline.Path is { } path ? $"{path}?{query}" : "/hello");
        if (pipeline.Path is null)
        {
            // Straight at HelloService: the same faults as headers, and a request id of its own to count attempts by.
            request.Headers.Add("X-Request-Id", string.Create(CultureInfo.InvariantCulture, $"plain-{call}-{Stopwatch.GetTimestamp()}"));
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')))
            {
                request.Headers.Add(pair[0] switch { "slowRate" => "X-Fault-Slow-Rate", "slowMs" => "X-Fault-Slow-Ms", "seed" => "X-Fault-Seed", _ => "X-Fault-Latency-Ms" }, pair[1]);
            }
        }

        var clock = Stopwatch.StartNew();
        using var response = await caller.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var attempts = body.TryGetProperty("report", out var report) ? report.GetProperty("attempts").GetArrayLength() : 1;
        return (elapsed, attempts, response.IsSuccessStatusCode);
    }

    private static void Report(List<Row> rows)
    {
        Console.WriteLine("Sequential calls; slowMs=1000 unless the scenario says otherwise; times in ms, measured by the caller.");
        Console.WriteLine();
        Console.WriteLine("| Scenario | Pipeline | Calls | p50 | p99 | p99.9 | max | Attempts per call | Hedges refused by the budget | Failed |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Scenario} | {row.Pipeline} | {row.Ms.Length} | {Quantiles.Of(row.Ms, 0.5):F1} | {Quantiles.Of(row.Ms, 0.99):F1} | {Quantiles.Of(row.Ms, 0.999):F1} | {row.Ms[^1]:F1} | {row.AttemptsPerCall:F3} | {row.Refused} | {row.Failed} |"));
        }
    }

    private static readonly double[] PlottedQuantiles = [0.5, 0.75, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999];

    // Each call's time, for other plots, and the latency by percentile at each slow rate: x = −log10(1 − q), so
    // p90, p99 and p99.9 sit at 1, 2 and 3.
    private static void Plot(List<Row> rows)
    {
        Directory.CreateDirectory("artifacts");
        File.WriteAllLines("artifacts/hedging.csv", rows
            .SelectMany(r => r.Ms.Select(ms => string.Create(CultureInfo.InvariantCulture, $"{r.Scenario},{r.Pipeline},{ms:F2}")))
            .Prepend("scenario,pipeline,ms"));
        foreach (var rate in SlowRates)
        {
            var scenario = $"slowRate={rate.ToString(CultureInfo.InvariantCulture)}";
            var path = $"artifacts/hedging-{rate.ToString(CultureInfo.InvariantCulture)}.png";
            LineChart.SavePng(path, $"A call's latency by percentile, {scenario} (each attempt 1 s slower at that rate)",
                "percentile: 0.3 = p50, 1 = p90, 2 = p99, 3 = p99.9", "ms",
                rows.Where(r => r.Scenario == scenario).Select(r => (r.Pipeline,
                    PlottedQuantiles.Select(q => -Math.Log10(1 - q)).ToArray(),
                    PlottedQuantiles.Select(q => Quantiles.Of(r.Ms, q)).ToArray())));
        }

        Console.WriteLine();
        Console.WriteLine($"Each call's time in {Path.GetFullPath("artifacts/hedging.csv")}; latency by percentile plotted in hedging-<slowRate>.png beside it.");
    }

    /// <param name="Path">ClientService's route, or null for a plain call straight at HelloService.</param>
    private sealed record Pipeline(string Name, string? Path, string[] Settings);

    private sealed record Row(string Scenario, string Pipeline, double[] Ms, double AttemptsPerCall, int Refused, int Failed);
}
