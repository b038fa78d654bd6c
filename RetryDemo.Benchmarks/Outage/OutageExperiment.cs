using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Benchmarks.Processes;

namespace RetryDemo.Benchmarks.Outage;

/// <summary>
/// Callers at a fixed rate against ClientService while HelloService is healthy, then fully down, then
/// recovered, then failing 20 % of requests at random. Per second: logical requests, attempts that
/// reached HelloService and successes — for each configuration in <see cref="OutageConfigurations"/>,
/// one after another in one run, each with fresh processes.
/// </summary>
public static class OutageExperiment
{
    private const double RandomFailureRate = 0.2;

    public static async Task<int> RunAsync(string[] args)
    {
        var timeline = args.Contains("--smoke") ? Timeline.Smoke : Timeline.Full;
        var results = new List<ConfigurationResult>();
        foreach (var (name, key, environment) in OutageConfigurations.All)
        {
            Console.Error.WriteLine($"outage: {name} …");
            results.Add(new ConfigurationResult(name, key, await RunOneAsync(environment, timeline)));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{timeline.RequestsPerSecond} requests/s; healthy {timeline.OutageStartsAt.TotalSeconds:F0} s, outage {(timeline.OutageEndsAt - timeline.OutageStartsAt).TotalSeconds:F0} s, recovered until {timeline.RandomFaultsStartAt.TotalSeconds:F0} s, then {RandomFailureRate:P0} random 503 until {timeline.End.TotalSeconds:F0} s."));
        Console.WriteLine();
        Console.WriteLine("| Configuration | Outage: requests | Outage: attempts at HelloService | Amplification | Peak attempts/s | Recovered: success | 20 % faults: requests | 20 % faults: success | 20 % faults: attempts/request |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var outage = result.Calls.Where(c => c.Start >= timeline.OutageStartsAt && c.Start < timeline.OutageEndsAt).ToList();
            var outageAttempts = result.Calls.SelectMany(c => c.AttemptTimes).Count(t => t >= timeline.OutageStartsAt && t < timeline.OutageEndsAt);
            var peak = result.Calls.SelectMany(c => c.AttemptTimes).Where(t => t >= timeline.OutageStartsAt && t < timeline.OutageEndsAt)
                .GroupBy(t => (int)t.TotalSeconds).Select(g => g.Count()).DefaultIfEmpty().Max();
            var recovered = result.Calls.Where(c => c.Start >= timeline.OutageEndsAt && c.Start < timeline.RandomFaultsStartAt).ToList();
            var random = result.Calls.Where(c => c.Start >= timeline.RandomFaultsStartAt).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Name} | {outage.Count} | {outageAttempts} | {(double)outageAttempts / Math.Max(1, outage.Count):F2} | {peak} | {Ratio(recovered)} | {random.Count} | {Ratio(random)} | {random.Average(c => (double)c.AttemptTimes.Count):F2} |"));
        }

        Directory.CreateDirectory("artifacts");
        var csv = new List<string> { "configuration,second,requests,attempts,successes" };
        foreach (var result in results)
        {
            var seconds = (int)Math.Ceiling(timeline.End.TotalSeconds);
            for (var second = 0; second < seconds; second++)
            {
                var started = result.Calls.Where(c => (int)c.Start.TotalSeconds == second).ToList();
                var attempts = result.Calls.SelectMany(c => c.AttemptTimes).Count(t => (int)t.TotalSeconds == second);
                csv.Add(string.Create(CultureInfo.InvariantCulture, $"{result.Key},{second},{started.Count},{attempts},{started.Count(c => c.Succeeded)}"));
            }
        }

        await File.WriteAllLinesAsync("artifacts/outage.csv", csv);
        Console.WriteLine();
        Console.WriteLine($"Per-second series written to {Path.GetFullPath("artifacts/outage.csv")}.");
        return 0;
    }

    private static string Ratio(List<Call> calls) =>
        calls.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{(double)calls.Count(c => c.Succeeded) / calls.Count:P2}");

    private static async Task<List<Call>> RunOneAsync(Dictionary<string, string> clientEnvironment, Timeline timeline)
    {
        const int helloPort = 5205, clientPort = 5206;
        const string faultControlKey = "outage-experiment";
        await using var hello = await ServiceProcess.StartAsync("RetryDemo.HelloService", helloPort, new Dictionary<string, string>
        {
            ["FaultControl__Enabled"] = "true",
            ["FaultControl__Key"] = faultControlKey,
        });
        await using var client = await ServiceProcess.StartAsync("RetryDemo.ClientService", clientPort, new Dictionary<string, string>(clientEnvironment)
        {
            ["services__hello__http__0"] = hello.Address.ToString(),
            ["HelloClient__FaultControlKey"] = faultControlKey, // lets the callers' ?failureRate= through
        });

        using var control = new HttpClient { BaseAddress = hello.Address };
        control.DefaultRequestHeaders.Add("X-Fault-Control-Key", faultControlKey);
        using var callers = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = client.Address,
            Timeout = TimeSpan.FromMinutes(1),
        };

        // Warm up both processes (JIT, connections) before the clock starts.
        for (var i = 0; i < 20; i++)
        {
            using var warmup = await callers.GetAsync("/hello");
        }

        var calls = new ConcurrentBag<Call>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var started = 0;
        bool outageOn = false, outageOff = false;
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (clock.Elapsed < timeline.End && await ticks.WaitForNextTickAsync())
        {
            var now = clock.Elapsed;
            if (!outageOn && now >= timeline.OutageStartsAt)
            {
                outageOn = true;
                (await control.PostAsync("/faults/outage/on", null)).EnsureSuccessStatusCode();
            }

            if (!outageOff && now >= timeline.OutageEndsAt)
            {
                outageOff = true;
                (await control.PostAsync("/faults/outage/off", null)).EnsureSuccessStatusCode();
            }

            // Open loop: start whatever is due by now, however slowly earlier calls are answering.
            var due = (int)(now.TotalSeconds * timeline.RequestsPerSecond);
            for (; started < due; started++)
            {
                var start = TimeSpan.FromSeconds(started / (double)timeline.RequestsPerSecond);
                var path = start >= timeline.RandomFaultsStartAt ? string.Create(CultureInfo.InvariantCulture, $"/hello?failureRate={RandomFailureRate}") : "/hello";
                inFlight.Add(CallAsync(callers, path, start, calls));
            }
        }

        await Task.WhenAll(inFlight);
        return [.. calls];
    }

    private static async Task CallAsync(HttpClient callers, string path, TimeSpan start, ConcurrentBag<Call> calls)
    {
        using var response = await callers.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        // Every answer, success or problem, carries the per-attempt report: when each attempt left for HelloService.
        var attempts = body.TryGetProperty("report", out var report)
            ? report.GetProperty("attempts").EnumerateArray().Select(a => start + TimeSpan.FromMilliseconds(a.GetProperty("startedAtMs").GetDouble())).ToList()
            : throw new InvalidOperationException($"ClientService answered {(int)response.StatusCode} without an attempt report: {body}");
        calls.Add(new Call(start, response.IsSuccessStatusCode, attempts));
    }

    private sealed record Call(TimeSpan Start, bool Succeeded, List<TimeSpan> AttemptTimes);

    private sealed record ConfigurationResult(string Name, string Key, List<Call> Calls);

    private sealed record Timeline(int RequestsPerSecond, TimeSpan OutageStartsAt, TimeSpan OutageEndsAt, TimeSpan RandomFaultsStartAt, TimeSpan End)
    {
        public static Timeline Full { get; } = new(50, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(55));

        public static Timeline Smoke { get; } = new(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
    }
}
