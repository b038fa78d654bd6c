namespace RetryDemo.HelloService.Greetings;

public sealed class IdempotencyRecord(string fingerprint, DateTimeOffset expiresAt)
{
    public string Fingerprint { get; } = fingerprint;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public TaskCompletionSource<Greeting> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
