namespace RetryDemo.ClientService.Diagnostics;

/// <summary>The attempt number of the HTTP call in flight, for this async flow only.</summary>
public static class AttemptContext
{
    public const string AttemptTag = "retrydemo.attempt";

    private static readonly AsyncLocal<int?> AsyncAttempt = new();

    public static int? Current
    {
        get => AsyncAttempt.Value;
        set => AsyncAttempt.Value = value;
    }
}
