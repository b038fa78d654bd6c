using System.ComponentModel;
using System.Diagnostics;

namespace RetryDemo.Benchmarks.Processes;

/// <summary>A command-line tool run to completion: its standard output, or an exception that says why not.</summary>
public static class ToolProcess
{
    /// <param name="install">How to get the tool, for the messages when it is missing or fails.</param>
    /// <param name="limit">Killed (with its children) and reported past this.</param>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan limit, string install)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{fileName} is not installed ({install}).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {limit}.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} exited with code {process.ExitCode} ({install}): {await output}{await errors}");
            }

            return await output;
        }
    }
}
