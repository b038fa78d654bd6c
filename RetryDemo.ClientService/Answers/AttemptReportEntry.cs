namespace RetryDemo.ClientService.Answers;

/// <param name="Instance">The HelloService replica that answered the attempt, or null when none did.</param>
/// <param name="Hedge">Sent by the hedging strategy beside a slow attempt (or at once after a failed one), not after a backoff.</param>
/// <param name="Answered">This attempt's answer is the one the call returned.</param>
public sealed record AttemptReportEntry(int Number, int? Status, string? Error, double DurationMs, double DelayBeforeMs, double StartedAtMs, string? Instance, bool Hedge, bool Answered);
