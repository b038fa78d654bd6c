using System.Globalization;
using System.Text.RegularExpressions;
using RetryDemo.Benchmarks.Processes;

namespace RetryDemo.Benchmarks.Loopback;

/// <summary>One wrk run's figures. Errors are non-2xx/3xx responses plus socket errors.</summary>
public sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Errors);

/// <summary>Runs wrk (Debian package <c>wrk</c>) and reads its <c>--latency</c> report.</summary>
public static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(Uri url, int threads, int connections, TimeSpan duration)
    {
        // wrk stops itself after the duration; the limit only catches a wrk that never does.
        var report = await ToolProcess.RunAsync("wrk",
            [$"-t{threads}", $"-c{connections}", $"-d{(int)Math.Ceiling(duration.TotalSeconds)}s", "--latency", url.ToString()],
            duration + TimeSpan.FromMinutes(1), "Debian: apt-get install wrk");
        return Parse(report);
    }

    private static WrkResult Parse(string report) => new(
        RequestsPerSecond: Number(Required(RequestsPerSecond(), report)[1].Value),
        P50Milliseconds: Milliseconds(Required(Latency50(), report)),
        P99Milliseconds: Milliseconds(Required(Latency99(), report)),
        Requests: (long)Number(Required(Requests(), report)[1].Value),
        Errors: Sum(NonSuccess().Match(report)) + Sum(SocketErrors().Match(report)));

    private static GroupCollection Required(Regex pattern, string report) => pattern.Match(report) is { Success: true } match
        ? match.Groups
        : throw new FormatException($"wrk's report has no match for {pattern} (was --latency passed?):{Environment.NewLine}{report}");

    private static double Milliseconds(GroupCollection latency) => Number(latency[1].Value) * latency[2].Value switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1_000,
        _ => 60_000,
    };

    // wrk prints these lines only when the count is not zero.
    private static long Sum(Match counts) =>
        counts.Success ? counts.Groups.Values.Skip(1).Sum(count => long.Parse(count.Value, CultureInfo.InvariantCulture)) : 0;

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' in wrk's report is not a number.");

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s*50%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex Latency50();

    [GeneratedRegex(@"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex Latency99();

    [GeneratedRegex(@"^\s*(\d+) requests in ", RegexOptions.Multiline)]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
