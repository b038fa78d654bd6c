using System.Text.Json;

namespace RetryDemo.Benchmarks.Profiling;

/// <summary>
/// A dotnet-trace <c>dotnet-sampled-thread-time</c> trace (converted to speedscope's evented format)
/// summed by the assembly that owns each moment of managed CPU: the deepest frame that is not the
/// runtime's own (System.Private.CoreLib's async and threading plumbing is charged to the code that
/// awaited). Only moments whose innermost frame is <c>CPU_TIME</c> count, and none inside a known
/// blocking wait (the sampler marks some of those as CPU), so waiting threads and native code
/// (syscalls, the GC) are left out; what remains is comparable across pipelines.
/// </summary>
public sealed class SampledProfile
{
    /// <summary>Managed CPU with no frame outside the runtime's plumbing (thread-pool dispatch, timers).</summary>
    public const string NoManagedOwner = "(runtime only)";

    private static readonly string[] Waits =
    [
        "System.Threading.LowLevelLifoSemaphore.Wait(", "System.GC.RunFinalizers(", "System.Threading.Monitor.Wait(",
        "System.Threading.WaitHandle.WaitOne", "System.Threading.WaitHandle.WaitMultiple", "System.Threading.Thread.Sleep(",
        "System.Threading.ManualResetEventSlim.Wait(", "System.Threading.SemaphoreSlim.Wait(",
        // The socket engine's thread spends nearly all its time in epoll_wait, which the sampler shows as this frame.
        "System.Net.Sockets.SocketAsyncEngine.EventLoop(",
    ];

    private static readonly HashSet<string> Plumbing = ["System.Private.CoreLib", "?", "Anonymously Hosted DynamicMethods Assembly"];

    private SampledProfile(Dictionary<string, double> milliseconds) => MillisecondsByAssembly = milliseconds;

    /// <summary>Several traces of the same thing, as one.</summary>
    public static SampledProfile Sum(IEnumerable<SampledProfile> profiles) => new(profiles
        .SelectMany(profile => profile.MillisecondsByAssembly)
        .GroupBy(entry => entry.Key)
        .ToDictionary(group => group.Key, group => group.Sum(entry => entry.Value)));

    /// <summary>Managed CPU milliseconds charged to each assembly over the whole trace.</summary>
    public IReadOnlyDictionary<string, double> MillisecondsByAssembly { get; }

    public double TotalMilliseconds => MillisecondsByAssembly.Values.Sum();

    public static SampledProfile Read(string speedscopeFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(speedscopeFile));
        var frames = document.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(frame => frame.GetProperty("name").GetString() ?? "?")
            .ToArray();
        // Frames without "module!" are the trace's own grouping (process, thread) or markers.
        var assemblies = frames.Select(name => name.Contains('!') ? name.Split('!', 2)[0] : null).ToArray();
        var cpuTime = Array.IndexOf(frames, "CPU_TIME");
        var waiting = frames.Select(name => Waits.Any(wait => name.Contains(wait, StringComparison.Ordinal))).ToArray();
        var milliseconds = new Dictionary<string, double>();
        foreach (var thread in document.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            double? last = null;
            foreach (var step in thread.GetProperty("events").EnumerateArray())
            {
                var at = step.GetProperty("at").GetDouble();
                if (last is { } since && at > since && stack.Count > 0 && stack[^1] == cpuTime && !stack.Any(open => waiting[open]))
                {
                    var owner = stack.Select(frame => assemblies[frame]).LastOrDefault(assembly => assembly is not null && !Plumbing.Contains(assembly))
                        ?? NoManagedOwner;
                    milliseconds[owner] = milliseconds.GetValueOrDefault(owner) + (at - since);
                }

                last = at;
                var frame = step.GetProperty("frame").GetInt32();
                if (step.GetProperty("type").GetString() == "O")
                {
                    stack.Add(frame);
                }
                else if (stack.LastIndexOf(frame) is var open and >= 0)
                {
                    stack.RemoveRange(open, stack.Count - open);
                }
            }
        }

        return new SampledProfile(milliseconds);
    }
}
