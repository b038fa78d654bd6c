using System.Diagnostics;

namespace RetryDemo.Benchmarks.Processes;

/// <summary>
/// One of the product services as a real process: its Release build run from its output folder (so
/// its appsettings.json applies), on a fixed loopback port, with only the environment given here.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServiceProcess> StartAsync(string project, int port, IReadOnlyDictionary<string, string> environment)
    {
        var output = Path.GetFullPath(Path.Combine(project, "bin", "Release", "net10.0"));
        var dll = Path.Combine(output, $"{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build it first: dotnet build -c Release {project}", dll);
        }

        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address.ToString()])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Inherited ASP.NET Core / OTel settings would change what is measured; start from none of them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
            || k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Error";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[{project}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, address);
        try
        {
            await service.WaitUntilHealthyAsync(project);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    private async Task WaitUntilHealthyAsync(string project)
    {
        using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited with code {_process.ExitCode} before it was healthy.");
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

            await Task.Delay(100);
        }

        throw new TimeoutException($"{project} did not answer /health at {Address} within a minute.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
