using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RetryDemo.Tests.Infrastructure;

/// <summary>
/// One service as its own process (<c>dotnet RetryDemo.X.dll</c>), with exactly the environment given
/// (ambient ASP.NET Core, .NET and OpenTelemetry variables are cleared first), listening on a port
/// Kestrel picks. Ready once Kestrel logs "Now listening on".
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(string project, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(RepositoryPaths.ProjectDirectory(project), "bin", RepositoryPaths.Configuration, "net10.0", $"{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build {project} first; expected {dll}.", dll);
        }

        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(IsAmbient).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"{project} exited with {_process.ExitCode}:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address => _listening.Task.Result;

    public string Output => string.Join('\n', _output);

    public static async Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        var service = new ServiceProcess(project, environment);
        try
        {
            await service._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the service the way a platform does (SIGTERM), so it shuts down and flushes cleanly.</summary>
    public async Task<int> StopGracefullyAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private static bool IsAmbient(string key) =>
        key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("services__", StringComparison.OrdinalIgnoreCase);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
