namespace RetryDemo.ClientService.Diagnostics;

/// <param name="Number">1 for the first try.</param>
/// <param name="Hedge">Sent by the hedging strategy rather than after a backoff.</param>
public readonly record struct CurrentAttempt(int Number, bool Hedge);
