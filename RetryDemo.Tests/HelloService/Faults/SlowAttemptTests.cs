using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetryDemo.HelloService.Faults.Injection;
using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Replicas;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.HelloService.Faults;

/// <summary>The slow tail: which attempts are slow, how slow, and that a seeded request's slow attempts repeat.</summary>
[Trait("Category", "Component")]
public class SlowAttemptTests
{
    private static readonly AttemptFaults Nothing = new(false, null, 0, null);

    [Fact]
    public void For_SeededRequest_SlowsAboutTheRateAndNotTheSameAttemptsAsItsFailures()
    {
        var options = new FaultOptions { SlowRate = 0.05, Seed = 0 };
        var (slow, alsoFailing) = (0, 0);
        for (var seed = 0; seed < 20_000; seed++)
        {
            options.Seed = seed;
            if (SlowAttempt.For(options, Nothing, 1, new FaultDice()) is { } delay)
            {
                Assert.Equal(TimeSpan.FromMilliseconds(1000), delay); // slowMs unless given
                slow++;
                alsoFailing += FaultDice.Roll(seed, 1) < 0.05 ? 1 : 0;
            }
        }

        // 20,000 rolls at 5 %: 1,000 ± 5 standard deviations (155). Independent of the failure stream: about 5 % of them.
        Assert.InRange(slow, 845, 1155);
        Assert.InRange(alsoFailing, 0, slow / 10);
    }

    [Fact]
    public void For_NoRateOrNoDelay_IsNeverSlow()
    {
        Assert.Null(SlowAttempt.For(new FaultOptions { SlowRate = 0 }, Nothing, 1, new FaultDice()));
        Assert.Null(SlowAttempt.For(new FaultOptions { SlowRate = 1, SlowMs = 0 }, Nothing, 1, new FaultDice()));
        Assert.NotNull(SlowAttempt.For(new FaultOptions { SlowRate = 1, SlowMs = 5 }, Nothing, 1, new FaultDice()));
    }

    [Fact]
    public async Task GetHello_SeededSlowAttempt_AnswersSlowMsLaterOnVirtualTime()
    {
        var time = new ObservableFakeTimeProvider();
        await using var hello = new ServiceHost<ServiceInstance>(new Dictionary<string, string?>(), services => services.AddSingleton<TimeProvider>(time));
        using var http = hello.CreatePlainClient();
        // Seed 4: attempt 1 rolls under 0.5 on the slow stream, attempt 2 does not (pinned: a change to the dice shows here).
        var waits = new List<TimeSpan>();
        time.DelayStarted += waits.Add;

        var first = SendAsync(http);
        var delay = await time.NextDelayAsync(d => d == TimeSpan.FromMilliseconds(700), "the slow attempt's 700 ms");
        Assert.False(first.IsCompleted);
        time.Advance(delay);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);

        using var second = await SendAsync(http);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(waits, d => d == TimeSpan.FromMilliseconds(700));
    }

    // The same request id each time: HelloService counts its attempts, 1 then 2.
    private static Task<HttpResponseMessage> SendAsync(HttpClient http)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add("X-Request-Id", "slow-tail-1");
        request.Headers.Add("X-Fault-Slow-Rate", "0.5");
        request.Headers.Add("X-Fault-Slow-Ms", "700");
        request.Headers.Add("X-Fault-Seed", "4");
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
