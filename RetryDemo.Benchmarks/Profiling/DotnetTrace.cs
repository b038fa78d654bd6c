using System.Globalization;
using RetryDemo.Benchmarks.Processes;

namespace RetryDemo.Benchmarks.Profiling;

/// <summary>Runs dotnet-trace, the repository's local tool (<c>dotnet tool restore</c>).</summary>
public static class DotnetTrace
{
    /// <summary>Samples every thread's stack (~100 Hz) of a process for <paramref name="duration"/> into a .nettrace file.</summary>
    public static Task CollectSampledThreadTimeAsync(int processId, TimeSpan duration, string nettrace)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(nettrace))!);
        return RunAsync(duration + TimeSpan.FromMinutes(1),
            "collect", "-p", processId.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time",
            "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture), "-o", nettrace);
    }

    /// <summary>Converts a .nettrace file to speedscope's JSON (which speedscope.app opens, and <see cref="SampledProfile"/> reads).</summary>
    public static async Task<string> ConvertToSpeedscopeAsync(string nettrace)
    {
        await RunAsync(TimeSpan.FromMinutes(2), "convert", "--format", "Speedscope", nettrace);
        var speedscope = Path.ChangeExtension(nettrace, ".speedscope.json");
        return File.Exists(speedscope) ? speedscope : throw new InvalidOperationException($"dotnet-trace convert wrote no {speedscope}.");
    }

    private static Task RunAsync(TimeSpan limit, params string[] arguments) =>
        ToolProcess.RunAsync("dotnet", ["tool", "run", "dotnet-trace", "--", .. arguments], limit, "a local tool: run `dotnet tool restore` first");
}
