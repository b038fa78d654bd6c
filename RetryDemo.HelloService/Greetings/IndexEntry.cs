namespace RetryDemo.HelloService.Greetings;

/// <summary>An index entry as read (<see cref="StoredRecords.ReadIndexEntry"/>): when its greeting was written (Unix ms), the greeting's id, its key if it has one.</summary>
internal readonly record struct IndexEntry(long Written, string GreetingId, string? Key);
