namespace RetryDemo.ClientService.Hello;

public sealed record AttemptReportEntry(int Number, int? Status, string? Error, double DurationMs, double DelayBeforeMs, double StartedAtMs);
