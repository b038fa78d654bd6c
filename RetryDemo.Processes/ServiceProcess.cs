using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace RetryDemo.Processes;

/// <summary>
/// A service of this repository running as its own process from its build output (<c>dotnet
/// RetryDemo.X.dll</c>, not <c>dotnet run</c>: no build step and no MSBuild environment in between),
/// configured only by what the caller gives: inherited ASP.NET Core, .NET, OpenTelemetry and service
/// discovery variables are cleared first. The benchmarks and the tests both start services this way
/// (both reference this project). Disposing it kills the process tree.
/// </summary>
public sealed partial class ServiceProcess : IDisposable, IAsyncDisposable
{
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(string project, string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        Project = project;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"Build {project} first; expected {assembly}.", assembly);
        }

        var start = new ProcessStartInfo("dotnet", [assembly, .. arguments])
        {
            // The content root, so the service reads its own appsettings.json.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"{project} exited with code {_process.ExitCode}:{Environment.NewLine}{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Project { get; }

    /// <summary>Where the service listens: the port asked for, or the one Kestrel picked (known once it logs it).</summary>
    public Uri Address => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"{Project} has not said where it listens yet.");

    public int ProcessId => _process.Id;

    /// <summary>Every line the service writes (stdout and stderr) as it comes, for counts over a whole run.</summary>
    public event Action<string>? LineWritten;

    /// <summary>The last lines the service wrote (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// For the benchmarks: the Release build under <paramref name="checkout"/> (another worktree, for a
    /// baseline), in Production (no environment name), on a fixed <paramref name="port"/>, configured by
    /// command-line <paramref name="arguments"/> (which override appsettings.json).
    /// </summary>
    public static ServiceProcess Start(string project, int port, params string[] arguments) => StartFrom(".", project, port, arguments);

    /// <inheritdoc cref="Start"/>
    public static ServiceProcess StartFrom(string checkout, string project, int port, params string[] arguments)
    {
        // Otherwise a health probe could be answered by a process left over from an interrupted run.
        if (IsInUse(port))
        {
            throw new InvalidOperationException($"Port {port} is already in use (left over from an earlier run?); {project} needs it.");
        }

        var address = new Uri($"http://127.0.0.1:{port}");
        var service = new ServiceProcess(project, AssemblyPath(checkout, project, "Release"), ["--urls", address.ToString(), .. arguments], new Dictionary<string, string>());
        service._listening.TrySetResult(address);
        return service;
    }

    /// <summary>
    /// For the tests: the <paramref name="configuration"/> build under <paramref name="checkout"/>, with
    /// exactly <paramref name="environment"/> (ASPNETCORE_URLS with port 0 lets Kestrel pick), ready once
    /// Kestrel logs where it listens.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(
        string checkout, string configuration, string project, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var service = new ServiceProcess(project, AssemblyPath(checkout, project, configuration), [], environment);
        try
        {
            await service._listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return service;
        }
        catch (TimeoutException)
        {
            await service.DisposeAsync();
            throw new TimeoutException($"{project} did not say where it listens within 60 s:{Environment.NewLine}{service.Output}");
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <param name="pollEvery">How often /health is asked; 250 ms unless the moment it turns healthy is itself measured.</param>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, TimeSpan? pollEvery = null)
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Project} exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/health");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(pollEvery ?? TimeSpan.FromMilliseconds(250));
        }

        throw new TimeoutException($"{Project} did not become healthy at {Address} within {timeout}:{Environment.NewLine}{Output}");
    }

    /// <summary>Stops the service the way a platform does (SIGTERM), so it shuts down and flushes cleanly.</summary>
    public async Task<int> StopGracefullyAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
    }

    private static string AssemblyPath(string checkout, string project, string configuration) =>
        Path.GetFullPath(Path.Combine(checkout, project, "bin", configuration, "net10.0", $"{project}.dll"));

    private static bool IsInUse(int port)
    {
        using var probe = new TcpClient();
        try
        {
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // An inherited URL, environment name, GC setting, OTLP endpoint or HelloService address would change
    // what runs; with none, a service is in Production.
    private static bool IsInheritedSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("services__", StringComparison.OrdinalIgnoreCase);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        LineWritten?.Invoke(line);
        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
