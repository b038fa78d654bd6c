using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RetryDemo.Benchmarks.Processes;

/// <summary>
/// A service of this repository running as its own process from its Release build output (not
/// <c>dotnet run</c>: no build step and no MSBuild environment between the benchmark and the service).
/// Disposing it kills the process.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string project, Uri address, Process process)
    {
        Project = project;
        Address = address;
        _process = process;
    }

    public string Project { get; }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <param name="project">The project's folder and assembly name, relative to the repository root.</param>
    /// <param name="arguments">Configuration on the command line, which overrides appsettings.json.</param>
    public static ServiceProcess Start(string project, int port, params string[] arguments) => StartFrom(".", project, port, arguments);

    /// <summary>The same, from another checkout of the repository (an earlier commit, for a baseline).</summary>
    public static ServiceProcess StartFrom(string checkout, string project, int port, params string[] arguments)
    {
        var assembly = Path.GetFullPath(Path.Combine(checkout, project, "bin", "Release", "net10.0", $"{project}.dll"));
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"Build it first: dotnet build -c Release {Path.Combine(checkout, project)}", assembly);
        }

        // Otherwise a health probe could be answered by a process left over from an interrupted run.
        if (IsInUse(port))
        {
            throw new InvalidOperationException($"Port {port} is already in use (left over from an earlier run?); {project} needs it.");
        }

        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", address.ToString(), .. arguments])
        {
            // The content root, so the service reads its own appsettings.json.
            WorkingDirectory = Path.GetDirectoryName(assembly),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only the arguments above configure the service: an inherited URL, environment name, GC
        // setting or OTLP endpoint would change what is measured. No environment name means Production.
        foreach (var name in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        var service = new ServiceProcess(project, address, Process.Start(start)!);
        service._process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        service._process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
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
                throw new InvalidOperationException($"{Project} exited with code {_process.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
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

        throw new TimeoutException($"{Project} did not become healthy at {Address} within {timeout}:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

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

    private static bool IsInheritedSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
        || name.StartsWith("DOTNET_", StringComparison.Ordinal)
        || name.StartsWith("OTEL_", StringComparison.Ordinal);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }
}
