using System.Globalization;

namespace RetryDemo.Benchmarks.Profiling;

/// <summary>
/// <c>profile &lt;pid&gt; [seconds]</c>: samples a running process with dotnet-trace and prints its managed CPU by
/// assembly, ours against the libraries' (StoreCost/profile-keyed-writes.sh runs it on HelloService under load).
/// </summary>
public static class ProcessProfile
{
    public static async Task<int> RunAsync(string[] args)
    {
        var processId = int.Parse(args[1], CultureInfo.InvariantCulture);
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        var nettrace = Path.Combine(Path.GetTempPath(), $"retrydemo-profile-{processId}-{Guid.NewGuid():N}.nettrace");
        await DotnetTrace.CollectSampledThreadTimeAsync(processId, TimeSpan.FromSeconds(seconds), nettrace);
        var profile = SampledProfile.Read(await DotnetTrace.ConvertToSpeedscopeAsync(nettrace));
        Console.WriteLine($"managed CPU sampled over {seconds} s: {profile.TotalMilliseconds:N0} ms");
        Console.WriteLine("| assembly | ms | share |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (assembly, ms) in profile.MillisecondsByAssembly.OrderByDescending(entry => entry.Value).Take(15))
        {
            Console.WriteLine($"| {assembly} | {ms:N0} | {ms / profile.TotalMilliseconds:P0} |");
        }

        return 0;
    }
}
