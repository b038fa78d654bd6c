using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using RetryDemo.Benchmarks.Charts;
using RetryDemo.Benchmarks.TimeToSuccess;

namespace RetryDemo.Benchmarks.Storm;

/// <summary>
/// M callers hit HelloService during an outage that ends at one instant; their retries are in step
/// unless jitter spreads them. Records when every attempt left for HelloService (loopback, so ≈ when
/// it arrived) in 50 ms buckets, for the same exponential schedule without and with jitter.
/// </summary>
public static class RetryStormExperiment
{
    private static readonly TimeSpan Bucket = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan OutageEndsAt = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var callers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        using var hello = TimeToSuccessExperiment.StartHello(port: 5202);
        await hello.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
        var address = hello.Address;
        using var control = new HttpClient { BaseAddress = address };

        Console.WriteLine("| Schedule | Callers | Attempts after recovery | Peak per 50 ms | Mean per 50 ms | Peak ÷ mean |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var schedules = new List<(string Name, string Key, Dictionary<int, int> Buckets, int Span)>();
        foreach (var jitter in new[] { false, true })
        {
            var name = jitter ? "exponential 200 ms, jitter" : "exponential 200 ms, no jitter";
            var arrivals = await RunOnceAsync(address, control, callers, jitter);
            var after = arrivals.Where(t => t >= OutageEndsAt).ToList();
            var buckets = after.GroupBy(t => (int)((t - OutageEndsAt) / Bucket)).ToDictionary(g => g.Key, g => g.Count());
            var span = buckets.Count == 0 ? 1 : buckets.Keys.Max() + 1;
            var peak = buckets.Count == 0 ? 0 : buckets.Values.Max();
            var mean = (double)after.Count / span;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {callers} | {after.Count} | {peak} | {mean:F1} | {peak / mean:F1} |"));
            schedules.Add((name, jitter ? "jitter" : "no-jitter", buckets, span));
        }

        // One time axis for both, a bucket past the last arrival, so each line ends at zero.
        var bucketStarts = Enumerable.Range(0, schedules.Max(s => s.Span) + 1).Select(b => b * Bucket.TotalMilliseconds).ToArray();
        var series = schedules
            .Select(s => (s.Name, bucketStarts, bucketStarts.Select((_, b) => (double)s.Buckets.GetValueOrDefault(b)).ToArray()))
            .ToList();
        var csv = schedules.SelectMany(s => bucketStarts.Select((ms, b) =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Key},{ms},{s.Buckets.GetValueOrDefault(b)}")));

        Directory.CreateDirectory("artifacts");
        await File.WriteAllLinesAsync("artifacts/retry-storm.csv", ["schedule,bucket_ms,attempts", .. csv]);
        LineChart.SavePng("artifacts/retry-storm.png", $"Retry storm: {callers} callers, outage ends at 0 ms",
            "ms after recovery (50 ms buckets)", "attempts arriving per 50 ms", series);
        Console.WriteLine($"Per-bucket arrivals written to {Path.GetFullPath("artifacts/retry-storm.csv")}, plotted in retry-storm.png beside it.");

        return 0;
    }

    private static async Task<List<TimeSpan>> RunOnceAsync(Uri address, HttpClient control, int callers, bool jitter)
    {
        var clock = Stopwatch.StartNew();
        var arrivals = new ConcurrentBag<TimeSpan>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient("hello", http => http.BaseAddress = address)
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 6;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.BackoffType = DelayBackoffType.Exponential;
                options.Retry.UseJitter = jitter;
                options.CircuitBreaker.MinimumThroughput = int.MaxValue; // the storm is what is measured
            });
        services.AddHttpClient("hello").AddHttpMessageHandler(() => new ArrivalRecorder(clock, arrivals));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("hello");

        (await control.PostAsync("/faults/outage/on", null)).EnsureSuccessStatusCode();
        clock.Restart();
        var calls = Enumerable.Range(0, callers).Select(async _ =>
        {
            using var response = await client.GetAsync("/hello");
        }).ToList();
        await Task.Delay(OutageEndsAt - clock.Elapsed);
        (await control.PostAsync("/faults/outage/off", null)).EnsureSuccessStatusCode();
        await Task.WhenAll(calls);
        return [.. arrivals];
    }

    private sealed class ArrivalRecorder(Stopwatch clock, ConcurrentBag<TimeSpan> arrivals) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            arrivals.Add(clock.Elapsed);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
