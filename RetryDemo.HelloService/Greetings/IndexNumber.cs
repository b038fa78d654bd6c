namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// An index number, when it was taken from the store (a <see cref="TimeProvider"/> timestamp), and by which of its
/// replica's refills (counted from 1).
/// </summary>
internal readonly record struct IndexNumber(long Value, long TakenAt, long Refill);
