using System.Diagnostics;
using System.Globalization;

namespace RetryDemo.Benchmarks.Profiling;

/// <summary>Runs dotnet-trace, the repository's local tool (<c>dotnet tool restore</c>), against a process.</summary>
public static class DotnetTrace
{
    /// <summary>Samples every thread's stack (~100 Hz) for <paramref name="duration"/>; returns the speedscope file.</summary>
    public static async Task<string> CollectSampledThreadTimeAsync(int processId, TimeSpan duration, string output)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        var start = new ProcessStartInfo("dotnet", [
            "tool", "run", "dotnet-trace", "--", "collect", "-p", processId.ToString(CultureInfo.InvariantCulture),
            "--profile", "dotnet-sampled-thread-time", "--duration", duration.ToString(@"dd\:hh\:mm\:ss", CultureInfo.InvariantCulture),
            "--format", "Speedscope", "-o", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(duration + TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        var speedscope = Path.ChangeExtension(output, ".speedscope.json");
        if (process.ExitCode != 0 || !File.Exists(speedscope))
        {
            throw new InvalidOperationException($"dotnet-trace failed (exit {process.ExitCode}; run `dotnet tool restore` first): {await stdout}{await stderr}");
        }

        return speedscope;
    }
}
