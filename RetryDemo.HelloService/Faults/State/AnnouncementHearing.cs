namespace RetryDemo.HelloService.Faults.State;

/// <summary>The answers to one announcement: complete once as many came as the store told.</summary>
internal sealed class AnnouncementHearing
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _told = -1;
    private long _count;

    public long Told => Interlocked.Read(ref _told);

    public long Count => Interlocked.Read(ref _count);

    public Task ByAll(long told)
    {
        Interlocked.Exchange(ref _told, told);
        Check();
        return _all.Task;
    }

    public void Add()
    {
        Interlocked.Increment(ref _count);
        Check();
    }

    private void Check()
    {
        if (Told >= 0 && Count >= Told)
        {
            _all.TrySetResult();
        }
    }
}
