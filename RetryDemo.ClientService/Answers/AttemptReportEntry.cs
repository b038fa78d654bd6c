namespace RetryDemo.ClientService.Answers;

/// <param name="Instance">The HelloService replica that answered the attempt, or null when none did.</param>
public sealed record AttemptReportEntry(int Number, int? Status, string? Error, double DurationMs, double DelayBeforeMs, double StartedAtMs, string? Instance);
