namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// What a replica last learned of the index's oldest end: the entry numbered <paramref name="Number"/> is there and
/// was written at <paramref name="Written"/> (Unix ms). While the first number is that one and the entry is not past
/// its lifetime, nothing before it needs reading: the oldest end is on disk.
/// </summary>
internal sealed record OldestEntry(long Number, long Written);
