using System.Diagnostics;
using System.Globalization;

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

    private static async Task RunAsync(TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", ["tool", "run", "dotnet-trace", "--", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet-trace {arguments[0]} did not finish within {limit}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-trace {arguments[0]} failed (exit {process.ExitCode}; run `dotnet tool restore` first): {await stdout}{await stderr}");
        }
    }
}
