namespace RetryDemo.Contracts;

/// <summary>The body of <c>POST /greetings</c>, on either service.</summary>
public static class GreetingBody
{
    /// <summary>
    /// The largest body either service reads: a name and its JSON framing fit many times over, and a
    /// stranger's megabyte is refused (413) before it is buffered.
    /// </summary>
    public const int MaxBytes = 4096;
}
