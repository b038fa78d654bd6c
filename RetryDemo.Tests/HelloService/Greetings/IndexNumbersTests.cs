using Microsoft.Extensions.Time.Testing;
using RetryDemo.HelloService.Greetings;
using RetryDemo.Tests.Infrastructure;
using StackExchange.Redis;

namespace RetryDemo.Tests.HelloService.Greetings;

[Trait("Category", "Unit")]
public sealed class IndexNumbersTests
{
    /// <summary>The store's <c>INCRBY</c> on the index's next number, answered when the test says.</summary>
    private sealed class HeldStore
    {
        private readonly List<(long Size, TaskCompletionSource<long> Answer)> _sent = [];
        private long _next;

        public long[] Sizes { get { lock (_sent) { return [.. _sent.Select(refill => refill.Size)]; } } }

        public Task<long> Take(long size)
        {
            var answer = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_sent)
            {
                _sent.Add((size, answer));
            }

            return answer.Task;
        }

        /// <summary>Answers refill <paramref name="index"/> as the store would: the last of the next <c>size</c> numbers.</summary>
        public void Answer(int index, Exception? failure = null)
        {
            (long Size, TaskCompletionSource<long> Answer) refill;
            lock (_sent)
            {
                refill = _sent[index];
            }

            if (failure is null)
            {
                refill.Answer.SetResult(_next += refill.Size);
            }
            else
            {
                refill.Answer.SetException(failure);
            }
        }

        /// <summary>A store that answers at once (each refill still counted in <see cref="Sizes"/>).</summary>
        public Task<long> TakeAtOnce(long size)
        {
            var taken = Take(size);
            Answer(Sizes.Length - 1);
            return taken;
        }
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Writers that found no number while the first refill was in flight, and are waiting on it.</summary>
    private static async Task<Task<IndexNumber>[]> WaitingAsync(IndexNumbers numbers, HeldStore store, int count)
    {
        var first = numbers.TakeAsync().AsTask();
        await Limit.UntilAsync(Wait, "the first refill was never sent", () => store.Sizes.Length == 1);
        var waiting = Enumerable.Range(0, count).Select(_ => numbers.TakeAsync().AsTask()).ToArray();
        return [first, .. waiting];
    }

    /// <summary>The first refill answered with one number and the second with three: 1, 2 taken, 3 and 4 left.</summary>
    private static async Task<IndexNumber[]> BlockOfTwoLeftAsync(IndexNumbers numbers, HeldStore store)
    {
        var takes = await WaitingAsync(numbers, store, 1);
        store.Answer(0);
        await Limit.UntilAsync(Wait, "the second refill was never sent", () => store.Sizes.Length == 2);
        store.Answer(1);
        return await TakenAsync(takes);
    }

    private static Task<IndexNumber> TakenAsync(ValueTask<IndexNumber> take) => take.AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

    private static Task<IndexNumber[]> TakenAsync(IEnumerable<Task<IndexNumber>> takes) => Task.WhenAll(takes).WaitAsync(Wait, TestContext.Current.CancellationToken);

    [Fact]
    public async Task TakeAsync_OneWriterAtATime_TakesOneNumberEachAsASingleIncrDid()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.TakeAtOnce, new FakeTimeProvider());

        long[] taken = [(await TakenAsync(numbers.TakeAsync())).Value, (await TakenAsync(numbers.TakeAsync())).Value, (await TakenAsync(numbers.TakeAsync())).Value];

        Assert.Equal([1, 2, 3], taken);
        Assert.Equal([1, 1, 1], store.Sizes);
    }

    [Fact]
    public async Task TakeAsync_WritersWhileARefillIsInFlight_WaitForItAndTheNextTakesTwoForEach()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.Take, new FakeTimeProvider());
        var takes = await WaitingAsync(numbers, store, 3);
        Assert.All(takes[1..], take => Assert.False(take.IsCompleted));

        store.Answer(0); // one number: the sender's; the three waiting send the next refill, of 1 + 2 × 3
        await Limit.UntilAsync(Wait, "the second refill was never sent", () => store.Sizes.Length == 2);
        store.Answer(1);
        var taken = await TakenAsync(takes);

        Assert.Equal([1, 7], store.Sizes);
        Assert.Equal([1, 2, 3, 4], taken.Select(number => number.Value).Order());
        Assert.Equal(5, (await TakenAsync(numbers.TakeAsync())).Value); // the block's rest, without a round trip
        Assert.Equal(2, store.Sizes.Length);
    }

    [Fact]
    public async Task TakeAsync_ManyWritersWaiting_NoRefillTakesMoreThanMaxBlock()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.Take, new FakeTimeProvider());
        var takes = await WaitingAsync(numbers, store, 100);

        for (var i = 0; store.Sizes.Length > i; i++)
        {
            store.Answer(i);
            await Limit.UntilAsync(Wait, "the waiting writers stalled", () => store.Sizes.Length > i + 1 || takes.All(take => take.IsCompleted));
        }

        var taken = await TakenAsync(takes);
        Assert.Equal(IndexNumbers.MaxBlock, store.Sizes[1]);
        Assert.All(store.Sizes, size => Assert.InRange(size, 1, IndexNumbers.MaxBlock));
        Assert.Equal(101, taken.Select(number => number.Value).Distinct().Count());
    }

    [Fact]
    public async Task TakeAsync_BlockASecondOld_DropsItsRestAndRefills()
    {
        var store = new HeldStore();
        var time = new FakeTimeProvider();
        var numbers = new IndexNumbers(store.Take, time);
        await BlockOfTwoLeftAsync(numbers, store);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(3, (await TakenAsync(numbers.TakeAsync())).Value);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var afterASecond = numbers.TakeAsync();
        store.Answer(2);

        Assert.Equal(5, (await TakenAsync(afterASecond)).Value);
        Assert.Equal([1, 3, 1], store.Sizes);
    }

    [Fact]
    public async Task TakeAsync_RefillAnsweredASecondAfterItWasSent_TakesNoneOfItAndRefillsAgain()
    {
        var store = new HeldStore();
        var time = new FakeTimeProvider();
        var numbers = new IndexNumbers(store.Take, time);
        var take = numbers.TakeAsync();
        await Limit.UntilAsync(Wait, "the first refill was never sent", () => store.Sizes.Length == 1);

        time.Advance(TimeSpan.FromSeconds(1));
        store.Answer(0);
        await Limit.UntilAsync(Wait, "no refill after the late one", () => store.Sizes.Length == 2);
        store.Answer(1);

        Assert.Equal(2, (await TakenAsync(take)).Value);
    }

    [Fact]
    public async Task TakeAsync_NumberGivenBackWithinASecond_TakenBeforeTheBlockAndAfterItDropped()
    {
        var store = new HeldStore();
        var time = new FakeTimeProvider();
        var numbers = new IndexNumbers(store.Take, time);
        var taken = await BlockOfTwoLeftAsync(numbers, store);

        numbers.GiveBack(taken[1]);
        var again = await TakenAsync(numbers.TakeAsync());
        numbers.GiveBack(again);
        time.Advance(TimeSpan.FromSeconds(1));
        var late = numbers.TakeAsync();
        store.Answer(2);

        Assert.Equal(2, again.Value);
        Assert.Equal(5, (await TakenAsync(late)).Value);
    }

    [Fact]
    public async Task TakeAsync_StoreFailsTheRefill_EveryWriterWaitingFailsAndTheNextTakeSendsOneOfOne()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.Take, new FakeTimeProvider());
        var takes = await WaitingAsync(numbers, store, 2);

        store.Answer(0, new RedisConnectionException(ConnectionFailureType.SocketFailure, "down"));

        foreach (var take in takes)
        {
            await Assert.ThrowsAsync<RedisConnectionException>(() => take).WaitAsync(Wait, TestContext.Current.CancellationToken);
        }

        var next = numbers.TakeAsync();
        await Limit.UntilAsync(Wait, "no refill after the failed one", () => store.Sizes.Length == 2);
        store.Answer(1);
        Assert.Equal(1, (await TakenAsync(next)).Value);
        Assert.Equal([1, 1], store.Sizes); // the writers who waited on the failed one failed with it: no demand left
    }

    [Fact]
    public async Task Drop_NumberOfTheLatestRefill_DropsItsBlockAndWhatWasGivenBackFromIt()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.Take, new FakeTimeProvider());
        var taken = await BlockOfTwoLeftAsync(numbers, store);
        numbers.GiveBack(taken[1]);

        numbers.Drop(taken[1]);
        var next = numbers.TakeAsync();
        await Limit.UntilAsync(Wait, "no refill after the drop", () => store.Sizes.Length == 3);
        store.Answer(2);

        Assert.Equal(5, (await TakenAsync(next)).Value);
    }

    [Fact]
    public async Task Drop_NumberOfAnEarlierRefill_KeepsTheLaterBlock()
    {
        var store = new HeldStore();
        var numbers = new IndexNumbers(store.Take, new FakeTimeProvider());
        var taken = await BlockOfTwoLeftAsync(numbers, store);

        numbers.Drop(taken[0]); // the first refill's

        Assert.Equal(3, (await TakenAsync(numbers.TakeAsync())).Value);
        Assert.Equal(2, store.Sizes.Length);
    }
}
