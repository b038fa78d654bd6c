namespace RetryDemo.HelloService.Greetings;

/// <summary>An index number and when it was taken from the store (a <see cref="TimeProvider"/> timestamp).</summary>
internal readonly record struct IndexNumber(long Value, long TakenAt);
