using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Benchmarks.Charts;
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
        foreach (var (name, key, settings) in OutageConfigurations.All)
        {
            Console.Error.WriteLine($"outage: {name} …");
            results.Add(new ConfigurationResult(name, key, await RunOneAsync(settings, timeline)));
        }

        var series = results.Select(r => (Result: r, Seconds: PerSecond(r.Calls, timeline))).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{timeline.RequestsPerSecond} requests/s; healthy {timeline.OutageStartsAt.TotalSeconds:F0} s, outage {(timeline.OutageEndsAt - timeline.OutageStartsAt).TotalSeconds:F0} s, recovered until {timeline.RandomFaultsStartAt.TotalSeconds:F0} s, then {RandomFailureRate:P0} random 503 until {timeline.End.TotalSeconds:F0} s."));
        Console.WriteLine();
        Console.WriteLine("| Configuration | Outage: requests | Outage: attempts at HelloService | Amplification | Peak attempts/s | Recovered: success | 20 % faults: requests | 20 % faults: success | 20 % faults: attempts/request |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (result, seconds) in series)
        {
            // The phases start on whole seconds, so each is a run of the per-second totals.
            var outage = Phase(seconds, timeline.OutageStartsAt, timeline.OutageEndsAt);
            var recovered = Phase(seconds, timeline.OutageEndsAt, timeline.RandomFaultsStartAt);
            var random = Phase(seconds, timeline.RandomFaultsStartAt, timeline.End);
            var randomAttemptsPerCall = result.Calls.Where(c => c.Start >= timeline.RandomFaultsStartAt).Average(c => (double)c.AttemptTimes.Count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Name} | {outage.Sum(s => s.Requests)} | {outage.Sum(s => s.Attempts)} | {(double)outage.Sum(s => s.Attempts) / Math.Max(1, outage.Sum(s => s.Requests)):F2} | {outage.Max(s => s.Attempts)} | {SuccessRatio(recovered)} | {random.Sum(s => s.Requests)} | {SuccessRatio(random)} | {randomAttemptsPerCall:F2} |"));
        }

        Directory.CreateDirectory("artifacts");
        await File.WriteAllLinesAsync("artifacts/outage.csv", series
            .SelectMany(s => s.Seconds.Select(p => string.Create(CultureInfo.InvariantCulture, $"{s.Result.Key},{p.Second},{p.Requests},{p.Attempts},{p.Successes}")))
            .Prepend("configuration,second,requests,attempts,successes"));
        LineChart.SavePng(
            "artifacts/outage.png",
            $"Load on HelloService: {timeline.RequestsPerSecond} requests/s, outage {timeline.OutageStartsAt.TotalSeconds:F0}–{timeline.OutageEndsAt.TotalSeconds:F0} s, 20 % faults from {timeline.RandomFaultsStartAt.TotalSeconds:F0} s",
            "seconds",
            "attempts reaching HelloService per second",
            series.Select(s => (s.Result.Name, s.Seconds.Select(p => (double)p.Second).ToArray(), s.Seconds.Select(p => (double)p.Attempts).ToArray())),
            [(timeline.OutageStartsAt.TotalSeconds, timeline.OutageEndsAt.TotalSeconds, "outage")]);

        Console.WriteLine();
        Console.WriteLine($"Per-second series written to {Path.GetFullPath("artifacts/outage.csv")} and plotted in {Path.GetFullPath("artifacts/outage.png")}.");
        return 0;
    }

    private static List<SecondTotals> PerSecond(List<Call> calls, Timeline timeline)
    {
        var attempts = calls.SelectMany(c => c.AttemptTimes).CountBy(t => (int)t.TotalSeconds).ToDictionary();
        var started = calls.GroupBy(c => (int)c.Start.TotalSeconds).ToDictionary(g => g.Key, g => (Requests: g.Count(), Successes: g.Count(c => c.Succeeded)));
        return [.. Enumerable.Range(0, (int)Math.Ceiling(timeline.End.TotalSeconds)).Select(second => new SecondTotals(
            second, started.GetValueOrDefault(second).Requests, attempts.GetValueOrDefault(second), started.GetValueOrDefault(second).Successes))];
    }

    private static List<SecondTotals> Phase(List<SecondTotals> seconds, TimeSpan from, TimeSpan to) =>
        [.. seconds.Where(s => s.Second >= from.TotalSeconds && s.Second < to.TotalSeconds)];

    private static string SuccessRatio(List<SecondTotals> seconds) => seconds.Sum(s => s.Requests) is var requests and > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{(double)seconds.Sum(s => s.Successes) / requests:P2}")
        : "–";

    private static async Task<List<Call>> RunOneAsync(Dictionary<string, string> clientSettings, Timeline timeline)
    {
        const int helloPort = 5205, clientPort = 5206;
        const string faultControlKey = "outage-experiment";
        const string quietLogs = "--Logging:LogLevel:Default=Error";
        using var hello = ServiceProcess.Start("RetryDemo.HelloService", helloPort, quietLogs,
            "--FaultControl:Enabled=true", $"--FaultControl:Key={faultControlKey}");
        using var client = ServiceProcess.Start("RetryDemo.ClientService", clientPort,
        [
            quietLogs,
            $"--services:hello:http:0={hello.Address}",
            $"--HelloClient:FaultControlKey={faultControlKey}", // lets the callers' ?failureRate= through
            .. clientSettings.Select(setting => $"--{setting.Key}={setting.Value}"),
        ]);
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));

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

    private sealed record SecondTotals(int Second, int Requests, int Attempts, int Successes);

    private sealed record Call(TimeSpan Start, bool Succeeded, List<TimeSpan> AttemptTimes);

    private sealed record ConfigurationResult(string Name, string Key, List<Call> Calls);

    private sealed record Timeline(int RequestsPerSecond, TimeSpan OutageStartsAt, TimeSpan OutageEndsAt, TimeSpan RandomFaultsStartAt, TimeSpan End)
    {
        public static Timeline Full { get; } = new(50, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(55));

        public static Timeline Smoke { get; } = new(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
    }
}
