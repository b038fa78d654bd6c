using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using RetryDemo.Processes;

namespace RetryDemo.Benchmarks.StoreOutage;

/// <summary>
/// What a store outage costs, with Release builds of the store, HelloService and ClientService as processes
/// on loopback (issue 31), in three parts:
/// <list type="number">
/// <item>the store killed (<c>kill -9</c>) for about 4 s, then started again, under 6 callers of a plain
/// <c>GET /hello</c> through ClientService and one caller of keyed <c>POST /greetings</c>: the share of 200s
/// during the outage and from 1 s after the store is healthy again, and every status seen;</item>
/// <item>the store paused (<c>SIGSTOP</c>) for 8 s under 30 concurrent callers straight at HelloService
/// (15 plain <c>GET /hello</c>, 15 keyed writes): 500s, and Error lines and stack-trace lines in
/// HelloService's log;</item>
/// <item>the store stopped with SIGTERM 5 times, each after 20 acknowledged keyed writes: its exit codes,
/// and how many acknowledged greetings are missing after each restart.</item>
/// </list>
/// <c>--checkout DIR</c> measures another checkout's Release builds (a baseline); <c>--no-password</c> runs the
/// store without one (a checkout from before issue 31, whose store asks for none).
/// </summary>
public static class StoreOutageExperiment
{
    private const int StorePort = 5231, StoreHttpPort = 5232, HelloPort = 5233, ClientPort = 5234;
    private static readonly TimeSpan Healthy = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        var checkout = args.SkipWhile(a => a != "--checkout").Skip(1).FirstOrDefault() ?? ".";
        var password = args.Contains("--no-password") ? null : "outage-" + Guid.NewGuid().ToString("N");
        var data = Directory.CreateTempSubdirectory("retrydemo-store-outage-").FullName;
        var setup = new Setup(checkout, password, data);
        try
        {
            await KilledUnderLoadAsync(setup);
            await PausedUnderLoadAsync(setup);
            await StoppedRepeatedlyAsync(setup);
            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task KilledUnderLoadAsync(Setup setup)
    {
        Console.WriteLine("== Store kill -9 for ~4 s under 6 callers of plain GET /hello through ClientService (+1 keyed POST /greetings caller)");
        var store = await setup.StartStoreAsync();
        await using var hello = await setup.StartHelloAsync();
        await using var client = await setup.StartClientAsync();
        var calls = new ConcurrentQueue<Call>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { BaseAddress = client.Address, Timeout = TimeSpan.FromSeconds(60) };
        var load = Task.WhenAll(
        [
            .. Enumerable.Range(0, 6).Select(_ => LoopAsync("plain", () => new HttpRequestMessage(HttpMethod.Get, "/hello"), http, calls, clock, stop.Token)),
            LoopAsync("keyed", () => KeyedWrite(), http, calls, clock, stop.Token),
        ]);

        await Task.Delay(TimeSpan.FromSeconds(3));
        var killedAt = clock.Elapsed;
        await store.DisposeAsync(); // kill -9 (the whole process tree)
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (healthDuring, healthBody) = await HealthAsync(hello.Address);
        await Task.Delay(TimeSpan.FromSeconds(2));
        store = await setup.StartStoreAsync();
        var healthyAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await stop.CancelAsync();
        await load;
        await store.DisposeAsync();

        var during = calls.Where(c => c.StartedAt >= killedAt && c.StartedAt < healthyAt).ToList();
        var after = calls.Where(c => c.StartedAt >= healthyAt + TimeSpan.FromSeconds(1)).ToList();
        Console.WriteLine(Invariant($"store killed at {killedAt.TotalSeconds:F1} s, healthy again at {healthyAt.TotalSeconds:F1} s (outage {(healthyAt - killedAt).TotalSeconds:F1} s); HelloService /health during it: {(int)healthDuring} {healthBody}"));
        Report("plain GET /hello, during the outage", during.Where(c => c.Kind == "plain"));
        Report("plain GET /hello, from 1 s after healthy", after.Where(c => c.Kind == "plain"));
        Report("keyed POST /greetings, during the outage", during.Where(c => c.Kind == "keyed"));
        Report("keyed POST /greetings, from 1 s after healthy", after.Where(c => c.Kind == "keyed"));
        Report("all calls of the run", calls);
    }

    private static async Task PausedUnderLoadAsync(Setup setup)
    {
        Console.WriteLine("== Store SIGSTOP for 8 s under 30 concurrent callers straight at HelloService (15 plain GET /hello, 15 keyed POST /greetings)");
        await using var store = await setup.StartStoreAsync();
        await using var hello = await setup.StartHelloAsync();
        var errors = 0;
        var stackFrames = 0;
        hello.LineWritten += line =>
        {
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref errors);
            }
            else if (line.TrimStart().StartsWith("at ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref stackFrames);
            }
        };
        var calls = new ConcurrentQueue<Call>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient { BaseAddress = hello.Address, Timeout = TimeSpan.FromSeconds(60) };
        var load = Task.WhenAll(Enumerable.Range(0, 30).Select(i => i % 2 == 0
            ? LoopAsync("plain", () => new HttpRequestMessage(HttpMethod.Get, "/hello"), http, calls, clock, stop.Token)
            : LoopAsync("keyed", () => KeyedWrite(), http, calls, clock, stop.Token)));

        await Task.Delay(TimeSpan.FromSeconds(3));
        var pausedAt = clock.Elapsed;
        await SignalAsync("STOP", store.ProcessId);
        await Task.Delay(TimeSpan.FromSeconds(8));
        await SignalAsync("CONT", store.ProcessId);
        var resumedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await load;

        var during = calls.Where(c => c.StartedAt >= pausedAt && c.StartedAt < resumedAt).ToList();
        Report("plain GET /hello, while paused", during.Where(c => c.Kind == "plain"));
        Report("keyed POST /greetings, while paused", during.Where(c => c.Kind == "keyed"));
        Report("all calls of the run", calls);
        Console.WriteLine(Invariant($"HelloService's log over the run: {errors} Error/Critical entries, {stackFrames} stack-trace lines"));
    }

    private static async Task StoppedRepeatedlyAsync(Setup setup)
    {
        Console.WriteLine("== Store SIGTERM 5 times, each after 20 acknowledged keyed writes through HelloService");
        var store = await setup.StartStoreAsync();
        await using var hello = await setup.StartHelloAsync();
        using var http = new HttpClient { BaseAddress = hello.Address, Timeout = TimeSpan.FromSeconds(60) };
        var acknowledged = new List<string>();
        for (var round = 1; round <= 5; round++)
        {
            for (var i = 0; i < 20; i++)
            {
                var key = $"term-{round}-{i}-{Guid.NewGuid():N}";
                await UntilAsync(async () =>
                {
                    using var response = await http.SendAsync(KeyedWrite(key));
                    return response.StatusCode == HttpStatusCode.Created;
                }, $"a keyed write in round {round}");
                acknowledged.Add(key);
            }

            var exitCode = await store.StopGracefullyAsync();
            store.Dispose();
            store = await setup.StartStoreAsync();
            var missing = 0;
            foreach (var key in acknowledged)
            {
                HttpStatusCode status = 0;
                await UntilAsync(async () =>
                {
                    using var response = await http.GetAsync($"/greetings/by-key?key={Uri.EscapeDataString(key)}");
                    status = response.StatusCode;
                    return status != HttpStatusCode.ServiceUnavailable;
                }, "a lookup after the restart");
                missing += status == HttpStatusCode.OK ? 0 : 1;
            }

            Console.WriteLine(Invariant($"SIGTERM {round}: exit code {exitCode}; after the restart {missing} of {acknowledged.Count} acknowledged greetings missing"));
        }

        await store.DisposeAsync();
    }

    private static async Task LoopAsync(string kind, Func<HttpRequestMessage> create, HttpClient http, ConcurrentQueue<Call> calls, Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var request = create();
            var startedAt = clock.Elapsed;
            try
            {
                using var response = await http.SendAsync(request, stop);
                calls.Enqueue(new Call(kind, startedAt, (int)response.StatusCode, response.Headers.RetryAfter is not null,
                    response.Content.Headers.ContentType?.MediaType == "application/problem+json"));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                calls.Enqueue(new Call(kind, startedAt, 0, false, false));
            }
        }
    }

    private static void Report(string what, IEnumerable<Call> calls)
    {
        var all = calls.ToList();
        if (all.Count == 0)
        {
            Console.WriteLine($"  {what}: no calls");
            return;
        }

        var statuses = all.GroupBy(c => c.Status).OrderBy(g => g.Key).Select(g =>
            Invariant($"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} × {g.Count()}{(g.Key == 503 ? $" (Retry-After on {g.Count(c => c.RetryAfter)}, problem+json on {g.Count(c => c.Problem)})" : "")}"));
        var ok = all.Count(c => c.Status is 200 or 201);
        Console.WriteLine(Invariant($"  {what}: {all.Count} calls, {100.0 * ok / all.Count:F2} % 200/201, 500s: {all.Count(c => c.Status == 500)}; {string.Join(", ", statuses)}"));
    }

    private static HttpRequestMessage KeyedWrite(string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/greetings") { Content = JsonContent.Create(new { name = "Ada" }) };
        request.Headers.Add("Idempotency-Key", key ?? "outage-" + Guid.NewGuid().ToString("N"));
        return request;
    }

    private static async Task<(HttpStatusCode Status, string Body)> HealthAsync(Uri service)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync("/health");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task SignalAsync(string signal, int processId)
    {
        using var kill = Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Retries <paramref name="attempt"/> every 100 ms for at most 30 s (a store just restarted, HelloService reconnecting).</summary>
    private static async Task UntilAsync(Func<Task<bool>> attempt, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await attempt())
        {
            if (elapsed.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{what} did not succeed within 30 s.");
            }

            await Task.Delay(100);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Call(string Kind, TimeSpan StartedAt, int Status, bool RetryAfter, bool Problem);

    /// <summary>How each process starts: Release builds of <paramref name="Checkout"/>, Production, quiet logs but errors.</summary>
    private sealed record Setup(string Checkout, string? Password, string DataDirectory)
    {
        private string ConnectionString => $"127.0.0.1:{StorePort}" + (Password is null ? "" : $",password={Password}");

        public async Task<ServiceProcess> StartStoreAsync()
        {
            var store = ServiceProcess.StartFrom(Checkout, "RetryDemo.Store", StoreHttpPort,
            [
                "--Logging:LogLevel:Default=Warning",
                $"--Store:Port={StorePort}",
                $"--Store:DataDirectory={DataDirectory}",
                .. Password is null ? Array.Empty<string>() : [$"--Store:Password={Password}"],
            ]);
            await store.WaitUntilHealthyAsync(Healthy, TimeSpan.FromMilliseconds(100));
            return store;
        }

        public async Task<ServiceProcess> StartHelloAsync()
        {
            var hello = ServiceProcess.StartFrom(Checkout, "RetryDemo.HelloService", HelloPort,
                "--Logging:LogLevel:Default=Warning", $"--ConnectionStrings:store={ConnectionString}");
            await hello.WaitUntilHealthyAsync(Healthy);
            return hello;
        }

        public async Task<ServiceProcess> StartClientAsync()
        {
            var client = ServiceProcess.StartFrom(Checkout, "RetryDemo.ClientService", ClientPort,
                "--Logging:LogLevel:Default=Warning", $"--services:hello:http:0=http://127.0.0.1:{HelloPort}");
            await client.WaitUntilHealthyAsync(Healthy);
            return client;
        }
    }
}
