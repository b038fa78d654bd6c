using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace RetryDemo.Benchmarks.Allocations;

/// <summary>
/// Which types each pipeline allocates per call when the answer comes back asynchronously, as it
/// does over a socket. The runtime's own GC AllocationTick event (one per ~100 KB allocated, naming
/// the type that crossed the mark) is sampled in process over many calls, so a type's share of the
/// samples is its share of the bytes; the exact bytes per call come from GC.GetAllocatedBytesForCurrentThread.
/// </summary>
public static class AllocationProfile
{
    private const long BytesPerSample = 100 * 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var calls = args.Skip(1).Select(int.Parse).FirstOrDefault(200_000);
        var pipelines = new PipelineOverheadBenchmarks { AsyncPrimary = true };
        pipelines.Setup();
        try
        {
            var profiles = new List<(string Pipeline, double BytesPerCall, Dictionary<string, long> Samples)>();
            foreach (var (name, call) in pipelines.Compared)
            {
                // Warm: JIT tiers and pools, so what is sampled is the steady state.
                for (var i = 0; i < 20_000; i++)
                {
                    await call();
                }

                using var ticks = new AllocationTicks();
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < calls; i++)
                {
                    await call();
                }

                var bytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
                profiles.Add((name, bytes, await ticks.StopAsync()));
            }

            Print(profiles, calls);
        }
        finally
        {
            pipelines.Cleanup();
        }

        return 0;
    }

    private static void Print(List<(string Pipeline, double BytesPerCall, Dictionary<string, long> Samples)> profiles, int calls)
    {
        var bare = profiles[0];
        foreach (var (pipeline, bytesPerCall, samples) in profiles)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\n{pipeline}: {bytesPerCall:F0} B/call ({bytesPerCall - bare.BytesPerCall:+0;-0;0} over bare), {samples.Values.Sum()} samples over {calls} calls"));
            Console.WriteLine("| Type | ≈ B/call | Over bare |");
            Console.WriteLine("|---|---:|---:|");
            foreach (var (type, count) in samples.OrderByDescending(sample => sample.Value).Take(20))
            {
                var perCall = count * BytesPerSample / (double)calls;
                var overBare = perCall - (bare.Samples.TryGetValue(type, out var bareCount) ? bareCount * BytesPerSample / (double)calls : 0);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {perCall:F0} | {overBare:+0;-0;0} |"));
            }
        }
    }

    /// <summary>The runtime's GCAllocationTick events, counted by type name while it is alive.</summary>
    private sealed class AllocationTicks : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;
        private readonly ConcurrentDictionary<string, long> _samples = new();
        private volatile bool _stopped;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (!_stopped && e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true
                && e.PayloadNames?.IndexOf("TypeName") is int index and >= 0 && e.Payload?[index] is string type)
            {
                _samples.AddOrUpdate(Shorten(type), 1, (_, count) => count + 1);
            }
        }

        public async Task<Dictionary<string, long>> StopAsync()
        {
            // Runtime events reach a listener through a session that delivers about once a second.
            await Task.Delay(TimeSpan.FromSeconds(2));
            _stopped = true;
            return new Dictionary<string, long>(_samples);
        }

        // Generic state-machine boxes carry every type argument; the method's name is what tells them apart.
        private static string Shorten(string type) =>
            type.Length <= 140 ? type : type[..140] + "…";
    }
}
