using RetryDemo.ClientService.HelloServiceClient;
namespace RetryDemo.ClientService.Answers;

/// <summary>What the caller sees of the attempts; times in milliseconds.</summary>
public sealed record AttemptReport(string RequestId, IReadOnlyList<AttemptReportEntry> Attempts, double TotalElapsedMs, bool Reconciled)
{
    public static AttemptReport From(HelloCallReport report) => new(
        report.RequestId,
        [.. report.Attempts.Select(a => new AttemptReportEntry(a.Number, a.StatusCode, a.Error, Ms(a.Duration), Ms(a.DelayBefore), Ms(a.StartedAt), a.Instance, a.Hedge, a.Answered))],
        Ms(report.TotalElapsed),
        report.Reconciled);

    private static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 1);
}
