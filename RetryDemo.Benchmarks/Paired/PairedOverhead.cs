using System.Diagnostics;
using System.Globalization;
using System.Net;
using RetryDemo.Benchmarks.Statistics;

namespace RetryDemo.Benchmarks.Paired;

/// <summary>
/// The micro benchmark's pipelines again, but interleaved: short slices of each, round after round
/// in one process (<c>paired [rounds]</c>, 120 unless given), each pipeline's time compared with the
/// others' in the same round.
/// This sandbox's CPU changes speed by up to 1.5× for seconds at a time (BenchmarkDotNet's iterations
/// show the steps), which buries a 50 ns difference between two benchmarks run minutes apart; within
/// a round of a few hundred milliseconds the speed is shared, so the median of the per-round
/// differences measures what BenchmarkDotNet's separate runs cannot.
/// </summary>
public static class PairedOverhead
{
    public static async Task<int> RunAsync(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var rounds = smoke ? 2 : args.Skip(1).Where(arg => !arg.StartsWith("--", StringComparison.Ordinal)).Select(int.Parse).FirstOrDefault(120);
        var callsPerSlice = smoke ? 1_000 : 20_000;
        foreach (var asynchronous in new[] { false, true })
        {
            var pipelines = new PipelineOverheadBenchmarks { AsyncPrimary = asynchronous };
            pipelines.Setup();
            try
            {
                (string Name, Func<Task<HttpStatusCode>> Call)[] calls =
                    [
                        .. pipelines.Compared,
                        ("standard per authority", pipelines.StandardByAuthority),
                        ("tuned, recording the attempt", pipelines.TunedRecorded),
                        .. pipelines.TunedParts,
                    ];
                var times = calls.ToDictionary(call => call.Name, _ => new List<double>());
                var bytes = calls.ToDictionary(call => call.Name, _ => 0.0);
                foreach (var (_, call) in calls)
                {
                    await RunSlice(call, callsPerSlice);
                }

                for (var round = 0; round < rounds; round++)
                {
                    foreach (var (name, call) in Order(calls, round))
                    {
                        var allocated = GC.GetAllocatedBytesForCurrentThread();
                        times[name].Add(await RunSlice(call, callsPerSlice));
                        bytes[name] += (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)callsPerSlice / rounds;
                    }
                }

                Print(asynchronous, rounds, callsPerSlice, times, bytes);
            }
            finally
            {
                pipelines.Cleanup();
            }
        }

        return 0;
    }

    /// <summary>
    /// Rotated, and reversed every other round: each pipeline runs in every position, and as often
    /// right after its neighbour as right before it (a slice inherits the one before: GC, caches, clock).
    /// </summary>
    private static IEnumerable<T> Order<T>(T[] items, int round)
    {
        var rotated = items.Skip(round / 2 % items.Length).Concat(items.Take(round / 2 % items.Length));
        return round % 2 == 0 ? rotated : rotated.Reverse();
    }

    private static async Task<double> RunSlice(Func<Task<HttpStatusCode>> call, int calls)
    {
        var elapsed = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await call();
        }

        return elapsed.Elapsed.TotalNanoseconds / calls;
    }

    private static void Print(bool asynchronous, int rounds, int callsPerSlice, Dictionary<string, List<double>> times, Dictionary<string, double> bytes)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nAnswer {(asynchronous ? "asynchronous" : "synchronous")}; {rounds} rounds of {callsPerSlice} calls per pipeline; per-round differences (median, interquartile range):"));
        Console.WriteLine("| Pipeline | ns/call (median) | − bare | IQR | − standard | IQR | B/call | − standard |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, series) in times)
        {
            var overBare = Differences(series, times["bare"]);
            var overStandard = Differences(series, times["standard"]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Quantiles.Median(series):F0} | {Quantiles.Median(overBare):+0;-0;0} | {Quantiles.Of(overBare, 0.25):+0;-0;0}…{Quantiles.Of(overBare, 0.75):+0;-0;0} | {Quantiles.Median(overStandard):+0;-0;0} | {Quantiles.Of(overStandard, 0.25):+0;-0;0}…{Quantiles.Of(overStandard, 0.75):+0;-0;0} | {bytes[name]:F0} | {bytes[name] - bytes["standard"]:+0;-0;0} |"));
        }
    }

    private static List<double> Differences(List<double> a, List<double> b) => a.Zip(b, (x, y) => x - y).ToList();
}
