namespace RetryDemo.ClientService.Diagnostics;

/// <summary>The attempt of the HTTP call in flight, for this async flow only (hedges run in flows of their own).</summary>
public static class AttemptContext
{
    public const string AttemptTag = "retrydemo.attempt";

    public const string HedgeTag = "retrydemo.hedge";

    private static readonly AsyncLocal<CurrentAttempt?> AsyncAttempt = new();

    public static CurrentAttempt? Current
    {
        get => AsyncAttempt.Value;
        set => AsyncAttempt.Value = value;
    }
}
