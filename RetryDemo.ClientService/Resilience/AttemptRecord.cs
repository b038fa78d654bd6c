namespace RetryDemo.ClientService.Resilience;

/// <param name="Number">1 for the first try.</param>
/// <param name="StatusCode">HelloService's status, or null when no response arrived.</param>
/// <param name="Error">Why no response arrived (timeout, connection refused…), or null.</param>
/// <param name="DelayBefore">Backoff waited between the previous attempt's end and this one's start.</param>
/// <param name="StartedAt">Since the logical call began.</param>
/// <param name="Instance">The HelloService replica that answered (its <c>X-Instance</c>), or null when none did.</param>
/// <param name="Hedge">Sent by the hedging strategy beside an attempt still in flight (or at once after a failed one), not after a backoff.</param>
/// <param name="Answered">Its answer is the one the call returned.</param>
public sealed record AttemptRecord(
    int Number, int? StatusCode, string? Error, TimeSpan Duration, TimeSpan DelayBefore, TimeSpan StartedAt, string? Instance = null, bool Hedge = false, bool Answered = false);
