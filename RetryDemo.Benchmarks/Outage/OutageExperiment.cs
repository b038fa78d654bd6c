using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using RetryDemo.Benchmarks.Charts;
using RetryDemo.Benchmarks.HalfFailing;
using RetryDemo.Processes;
using RetryDemo.Benchmarks.Processes;

namespace RetryDemo.Benchmarks.Outage;

/// <summary>
/// Callers at a fixed rate against ClientService while HelloService goes through the phases of
/// <see cref="Timeline"/>: healthy, 50 % and 80 % random 503, a full outage, recovery, kill -9 and a
/// restart, then 20 % random 503. For each configuration in <see cref="OutageConfigurations"/>, one after
/// another with fresh processes: per phase the success ratio and the amplification (attempts at
/// HelloService ÷ logical requests), the median answer time during the outage, and how long after
/// HelloService is healthy again the last call fails. Then one sequential caller making 200 calls at 50 %.
/// </summary>
public static class OutageExperiment
{
    private const int HelloPort = 5205, ClientPort = 5206;
    private const string FaultControlKey = "outage-experiment";

    public static async Task<int> RunAsync(string[] args)
    {
        var timeline = args.Contains("--smoke") ? Timeline.Smoke : Timeline.Full;
        var baseline = args.SkipWhile(a => a != "--baseline").Skip(1).FirstOrDefault();
        var results = new List<ConfigurationResult>();
        foreach (var configuration in OutageConfigurations.All)
        {
            if (configuration.FromBaseline && baseline is null)
            {
                Console.Error.WriteLine($"outage: {configuration.Name} skipped (no --baseline checkout)");
                continue;
            }

            Console.Error.WriteLine($"outage: {configuration.Name} …");
            var checkout = configuration.FromBaseline ? baseline! : ".";
            var (calls, restartedHealthyAt) = await RunOneAsync(checkout, configuration.Settings, timeline);
            var sequential = OutageConfigurations.Sequential.Contains(configuration.Key)
                ? await RunSequentialAsync(checkout, configuration.Settings, timeline.SequentialCalls)
                : null;
            results.Add(new ConfigurationResult(configuration.Name, configuration.Key, calls, restartedHealthyAt, sequential));
        }

        Report(results, timeline);
        await WriteArtifactsAsync(results, timeline);
        return 0;
    }

    private static void Report(List<ConfigurationResult> results, Timeline timeline)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{timeline.RequestsPerSecond} requests/s, open loop. Phases: {string.Join(", ", timeline.Phases.Select(p => $"{p.Name} {p.From.TotalSeconds:F0}–{p.To.TotalSeconds:F0} s"))}."));
        Console.WriteLine();
        Console.WriteLine("Success ratio (amplification = attempts at HelloService ÷ requests) per phase:");
        Console.WriteLine();
        Console.WriteLine($"| Configuration | {string.Join(" | ", timeline.Phases.Select(p => p.Name))} |");
        Console.WriteLine($"|---|{string.Join("", timeline.Phases.Select(_ => "---:|"))}");
        foreach (var result in results)
        {
            var cells = timeline.Phases.Select(phase =>
            {
                var calls = result.Calls.Where(c => c.Start >= phase.From && c.Start < phase.To).ToList();
                var attempts = result.Calls.SelectMany(c => c.AttemptTimes).Count(t => t >= phase.From && t < phase.To);
                return calls.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture,
                    $"{calls.Count(c => c.Succeeded) / (double)calls.Count:P1} ({attempts / (double)calls.Count:F2}×)");
            });
            Console.WriteLine($"| {result.Name} | {string.Join(" | ", cells)} |");
        }

        Console.WriteLine();
        Console.WriteLine("Outage and recovery (targets: outage ≤ 1.2× and median ≤ 50 ms after its first 2 s; ≥ 99 % success from 1 s after HelloService is healthy again):");
        Console.WriteLine();
        Console.WriteLine("| Configuration | Outage: amplification | Outage after 2 s: median answer | Outage-off → success from +1 s | last failure after outage-off | Restart → success from +1 s | last failure after restart healthy | 200 sequential calls at 50 % |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var outage = timeline.Phase(PhaseKind.Outage);
            var outageCalls = result.Calls.Where(c => c.Start >= outage.From && c.Start < outage.To).ToList();
            var outageAttempts = result.Calls.SelectMany(c => c.AttemptTimes).Count(t => t >= outage.From && t < outage.To);
            var late = outageCalls.Where(c => c.Start >= outage.From + timeline.OutageSettle).Select(c => c.Duration.TotalMilliseconds).Order().ToList();
            var recovered = timeline.Phase(PhaseKind.Recovered);
            var restarted = timeline.Phase(PhaseKind.Restarted);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Name} | {outageAttempts / (double)Math.Max(1, outageCalls.Count):F2}× | {(late.Count > 0 ? late[late.Count / 2] : double.NaN):F1} ms | {Recovery(result.Calls, recovered.From, recovered.To)} | {Recovery(result.Calls, result.RestartedHealthyAt, restarted.To)} | {Sequential(result.Sequential)} |"));
        }
    }

    private static string Sequential(List<string>? outcomes) => outcomes is null ? "not run"
        : $"{outcomes.Count(o => o == "ok")}/{outcomes.Count}" + string.Concat(outcomes.Where(o => o != "ok").CountBy(o => o).Select(r => $"; {r.Value} {r.Key}"));

    // Success of the calls started from 1 s after `healthy` (and answered before `end`, when the next phase begins), and when (after `healthy`) the last call that failed started.
    private static string Recovery(List<Call> calls, TimeSpan healthy, TimeSpan end)
    {
        var answered = calls.Where(c => c.Start >= healthy && c.Start + c.Duration < end).ToList();
        var after = answered.Where(c => c.Start >= healthy + TimeSpan.FromSeconds(1)).ToList();
        var lastFailure = answered.Where(c => !c.Succeeded).Select(c => c.Start - healthy).DefaultIfEmpty().Max();
        return string.Create(CultureInfo.InvariantCulture,
            $"{(after.Count == 0 ? double.NaN : after.Count(c => c.Succeeded) / (double)after.Count):P2} | {(lastFailure == TimeSpan.Zero ? "none" : $"+{lastFailure.TotalSeconds:F2} s")}");
    }

    private static async Task WriteArtifactsAsync(List<ConfigurationResult> results, Timeline timeline)
    {
        var seconds = (int)Math.Ceiling(timeline.End.TotalSeconds);
        var series = results.Select(r =>
        {
            var attempts = r.Calls.SelectMany(c => c.AttemptTimes).CountBy(t => (int)t.TotalSeconds).ToDictionary();
            var started = r.Calls.GroupBy(c => (int)c.Start.TotalSeconds).ToDictionary(g => g.Key, g => (Requests: g.Count(), Successes: g.Count(c => c.Succeeded)));
            return (Result: r, Seconds: Enumerable.Range(0, seconds).Select(second => (
                Second: second,
                started.GetValueOrDefault(second).Requests,
                Attempts: attempts.GetValueOrDefault(second),
                started.GetValueOrDefault(second).Successes)).ToList());
        }).ToList();

        Directory.CreateDirectory("artifacts");
        await File.WriteAllLinesAsync("artifacts/outage.csv", series
            .SelectMany(s => s.Seconds.Select(p => string.Create(CultureInfo.InvariantCulture, $"{s.Result.Key},{p.Second},{p.Requests},{p.Attempts},{p.Successes}")))
            .Prepend("configuration,second,requests,attempts,successes"));
        // Shaded: HelloService down (outage, killed). The random-failure phases are named in the title.
        var spans = timeline.Phases.Where(p => p.Kind is PhaseKind.Outage or PhaseKind.Killed).Select(p => (p.From.TotalSeconds, p.To.TotalSeconds, p.Name)).ToList();
        var phases = string.Join(", ", timeline.Phases.Where(p => p.FailureRate > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.FailureRate:P0} faults {p.From.TotalSeconds:F0}–{p.To.TotalSeconds:F0} s")));
        LineChart.SavePng("artifacts/outage.png",
            $"Load on HelloService, {timeline.RequestsPerSecond} requests/s",
            $"seconds ({phases})", "attempts reaching HelloService per second",
            series.Select(s => (s.Result.Name, s.Seconds.Select(p => (double)p.Second).ToArray(), s.Seconds.Select(p => (double)p.Attempts).ToArray())),
            spans);
        LineChart.SavePng("artifacts/outage-success.png",
            $"Calls answered with a greeting, {timeline.RequestsPerSecond} requests/s",
            $"seconds ({phases})", "% of the calls started that second",
            series.Select(s => (s.Result.Name, s.Seconds.Select(p => (double)p.Second).ToArray(), s.Seconds.Select(p => p.Requests == 0 ? double.NaN : 100.0 * p.Successes / p.Requests).ToArray())),
            spans);

        Console.WriteLine();
        Console.WriteLine($"Per-second series written to {Path.GetFullPath("artifacts/outage.csv")}, plotted in outage.png and outage-success.png beside it.");
    }

    private static async Task<(List<Call> Calls, TimeSpan RestartedHealthyAt)> RunOneAsync(string checkout, Dictionary<string, string> clientSettings, Timeline timeline)
    {
        var hello = StartHello();
        try
        {
            using var client = StartClient(checkout, hello.Address, clientSettings);
            await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
            await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));

            using var control = new HttpClient { BaseAddress = hello.Address };
            control.DefaultRequestHeaders.Add("X-Fault-Control-Key", FaultControlKey);
            using var callers = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
            {
                BaseAddress = client.Address,
                Timeout = TimeSpan.FromMinutes(1),
            };
            // ClientService (Production here) forwards ?failureRate= only from callers presenting the key.
            callers.DefaultRequestHeaders.Add("X-Fault-Control-Key", FaultControlKey);

            // Warm up both processes (JIT, connections) before the clock starts.
            for (var i = 0; i < 20; i++)
            {
                using var warmup = await callers.GetAsync("/hello");
            }

            var calls = new ConcurrentBag<Call>();
            var inFlight = new List<Task>();
            var clock = Stopwatch.StartNew();
            var started = 0;
            var restartedHealthyAt = TimeSpan.Zero;
            Task? restart = null;
            var done = new HashSet<PhaseKind>();
            using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            while (clock.Elapsed < timeline.End && await ticks.WaitForNextTickAsync())
            {
                var now = clock.Elapsed;
                var phase = timeline.At(now);
                if (done.Add(phase.Kind))
                {
                    switch (phase.Kind)
                    {
                        case PhaseKind.Outage:
                            (await control.PostAsync("/faults/outage/on", null)).EnsureSuccessStatusCode();
                            break;
                        case PhaseKind.Recovered:
                            (await control.PostAsync("/faults/outage/off", null)).EnsureSuccessStatusCode();
                            break;
                        case PhaseKind.Killed:
                            hello.Dispose(); // kill -9 (SIGKILL)
                            break;
                        case PhaseKind.Restarted:
                            hello = StartHello();
                            var restarted = hello;
                            restart = Task.Run(async () =>
                            {
                                await restarted.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1), pollEvery: TimeSpan.FromMilliseconds(20));
                                restartedHealthyAt = clock.Elapsed;
                            });
                            break;
                    }
                }

                // Open loop: start whatever is due by now, however slowly earlier calls are answering.
                var due = (int)(now.TotalSeconds * timeline.RequestsPerSecond);
                for (; started < due; started++)
                {
                    var start = TimeSpan.FromSeconds(started / (double)timeline.RequestsPerSecond);
                    var rate = timeline.At(start).FailureRate;
                    var path = rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"/hello?failureRate={rate}") : "/hello";
                    inFlight.Add(CallAsync(callers, path, start, calls));
                }
            }

            await Task.WhenAll(inFlight);
            if (restart is not null)
            {
                await restart;
            }

            return ([.. calls], restartedHealthyAt);
        }
        finally
        {
            hello.Dispose();
        }
    }

    private static async Task<List<string>> RunSequentialAsync(string checkout, Dictionary<string, string> clientSettings, int count)
    {
        using var hello = StartHello();
        using var client = StartClient(checkout, hello.Address, clientSettings);
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        await client.WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        using var caller = KeyedPair.Caller(client, FaultControlKey);
        // Seeded per call (seed = call number): every run, and every configuration, meets the same failures.
        return await HalfFailingExperiment.SequentialAsync(caller, count, firstSeed: 1);
    }

    private static ServiceProcess StartHello() => KeyedPair.StartHello(HelloPort, FaultControlKey);

    private static ServiceProcess StartClient(string checkout, Uri hello, Dictionary<string, string> settings) =>
        KeyedPair.StartClient(checkout, ClientPort, hello, FaultControlKey, settings.Select(setting => $"--{setting.Key}={setting.Value}"));

    private static async Task CallAsync(HttpClient callers, string path, TimeSpan start, ConcurrentBag<Call> calls)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await callers.GetAsync(path);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var duration = stopwatch.Elapsed;
        // Every answer, success or problem, carries the per-attempt report: when each attempt left for HelloService.
        var attempts = body.TryGetProperty("report", out var report)
            ? report.GetProperty("attempts").EnumerateArray().Select(a => start + TimeSpan.FromMilliseconds(a.GetProperty("startedAtMs").GetDouble())).ToList()
            : throw new InvalidOperationException($"ClientService answered {(int)response.StatusCode} without an attempt report: {body}");
        calls.Add(new Call(start, response.IsSuccessStatusCode, duration, attempts));
    }

    private sealed record Call(TimeSpan Start, bool Succeeded, TimeSpan Duration, List<TimeSpan> AttemptTimes);

    private sealed record ConfigurationResult(string Name, string Key, List<Call> Calls, TimeSpan RestartedHealthyAt, List<string>? Sequential);

    private enum PhaseKind { Healthy, HalfFailing, MostlyFailing, Outage, Recovered, Killed, Restarted, SomeFailing }

    private sealed record Phase(PhaseKind Kind, string Name, TimeSpan From, TimeSpan To, double FailureRate);

    private sealed record Timeline(int RequestsPerSecond, IReadOnlyList<Phase> Phases, TimeSpan OutageSettle, int SequentialCalls)
    {
        public static Timeline Full { get; } = Build(50, scale: 1, sequentialCalls: 200);

        public static Timeline Smoke { get; } = Build(20, scale: 0.1, sequentialCalls: 5);

        public TimeSpan End => Phases[^1].To;

        public Phase At(TimeSpan time) => Phases.LastOrDefault(p => p.From <= time) ?? Phases[0];

        public Phase Phase(PhaseKind kind) => Phases.Single(p => p.Kind == kind);

        private static Timeline Build(int requestsPerSecond, double scale, int sequentialCalls)
        {
            (PhaseKind Kind, string Name, double Seconds, double Rate)[] plan =
            [
                (PhaseKind.Healthy, "healthy", 5, 0),
                (PhaseKind.HalfFailing, "50 % random 503", 20, 0.5),
                (PhaseKind.MostlyFailing, "80 % random 503", 10, 0.8),
                (PhaseKind.Outage, "full outage", 10, 0),
                (PhaseKind.Recovered, "recovered", 10, 0),
                (PhaseKind.Killed, "kill -9", 5, 0),
                (PhaseKind.Restarted, "restarted", 15, 0),
                (PhaseKind.SomeFailing, "20 % random 503", 20, 0.2),
            ];
            var phases = new List<Phase>();
            var from = TimeSpan.Zero;
            foreach (var (kind, name, seconds, rate) in plan)
            {
                // Whole seconds, at least one, so the per-second series line up with the phases.
                var length = TimeSpan.FromSeconds(Math.Max(1, Math.Round(seconds * scale)));
                phases.Add(new Phase(kind, name, from, from + length, rate));
                from += length;
            }

            return new Timeline(requestsPerSecond, phases, TimeSpan.FromSeconds(Math.Max(0.2, 2 * scale)), sequentialCalls);
        }
    }
}
