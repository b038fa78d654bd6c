using System.Diagnostics;
using System.Globalization;
using RetryDemo.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace RetryDemo.Benchmarks.TimeToSuccess;

/// <summary>
/// Time-to-success against the real HelloService on loopback: the seed demo's schedule (1 s, 2 s, 4 s,
/// no jitter), the standard handler's defaults and the tuned pipeline, for the seed scenario (fail 2,
/// then succeed) and for 30 % random 503. Breakers are set never to open here: this measures the retry
/// schedules (with the seed scenario every call fails 2 of 3 attempts, which would open any breaker).
/// </summary>
public static class TimeToSuccessExperiment
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        using var hello = StartHello(port: 5201);
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
        var address = hello.Address;

        Console.WriteLine($"| Scenario | Schedule | Requests | Success | Median | p95 | p99 |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|");
        foreach (var (scenario, headers) in Scenarios)
        {
            foreach (var (schedule, configure) in Schedules)
            {
                await using var services = Build(address, configure);
                var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("hello");
                var (success, times) = await MeasureAsync(client, headers, requests);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {scenario} | {schedule} | {requests} | {success:P1} | {Ms(times, 0.5)} | {Ms(times, 0.95)} | {Ms(times, 0.99)} |"));
            }
        }

        return 0;
    }

    private static readonly (string Name, Dictionary<string, string> Headers)[] Scenarios =
    [
        ("seed: fail 2 (500), then 200", new() { ["X-Fault-Fail-First"] = "2", ["X-Fault-Status"] = "500" }),
        ("30 % random 503", new() { ["X-Fault-Rate"] = "0.3" }),
    ];

    private static readonly (string Name, Action<HttpStandardResilienceOptions> Configure)[] Schedules =
    [
        ("seed demo: 1 s, 2 s, 4 s, no jitter", o =>
        {
            o.Retry.MaxRetryAttempts = 3;
            o.Retry.Delay = TimeSpan.FromSeconds(1);
            o.Retry.UseJitter = false;
            o.Retry.BackoffType = DelayBackoffType.Exponential;
        }),
        ("standard handler defaults", _ => { }),
        ("tuned (RetryDemo)", RetryDemo.ClientService.Resilience.HelloResilienceDefaults.Apply),
    ];

    private static ServiceProvider Build(Uri address, Action<HttpStandardResilienceOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient("hello", http => http.BaseAddress = address)
            .AddStandardResilienceHandler(options =>
            {
                configure(options);
                // Measure schedules, not breakers: at the start of the seed scenario every attempt in
                // the window has failed, which opens any breaker.
                options.CircuitBreaker.MinimumThroughput = int.MaxValue;
            });
        return services.BuildServiceProvider();
    }

    private static async Task<(double Success, List<double> Milliseconds)> MeasureAsync(HttpClient client, Dictionary<string, string> headers, int requests)
    {
        var times = new List<double>();
        var successes = 0;
        await Parallel.ForAsync(0, requests, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (_, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Request-Id", Guid.NewGuid().ToString("N"));
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            var stopwatch = Stopwatch.StartNew();
            try
            {
                using var response = await client.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref successes);
                    lock (times)
                    {
                        times.Add(stopwatch.Elapsed.TotalMilliseconds);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException || ex.GetType().Name is "TimeoutRejectedException" or "BrokenCircuitException")
            {
            }
        });

        times.Sort();
        return ((double)successes / requests, times);
    }

    private static string Ms(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)]:F0} ms");

    /// <summary>HelloService from its Release build; Development, so fault headers need no key.</summary>
    internal static ServiceProcess StartHello(int port) =>
        ServiceProcess.Start("RetryDemo.HelloService", port, "--environment=Development", "--Logging:LogLevel:Default=Error");
}
