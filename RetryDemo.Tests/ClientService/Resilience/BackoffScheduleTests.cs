using System.Net;
using RetryDemo.ClientService.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Tests.Infrastructure;
using RetryDemo.ClientService.HelloServiceClient;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.Tests.ClientService.Resilience;

/// <summary>The tuned retry's waits, on virtual time: each wait is exactly as long as the schedule says.</summary>
[Trait("Category", "Unit")]
public class BackoffScheduleTests
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task Delays_WithoutJitter_DoubleFromDelayUpToMaxDelay()
    {
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), options =>
        {
            options.Retry.UseJitter = false;
            options.Retry.MaxRetryAttempts = 6;
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3); // distinct from every backoff wait
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(6); // the handler's rule: ≥ 2 × attempt timeout
        });
        TimeSpan[] expected = [Ms(200), Ms(400), Ms(800), Ms(1600), Ms(2000), Ms(2000)];

        var report = await AssertScheduleAsync(pipeline, expected);

        Assert.Equal(HelloFailure.Exhausted, report.Failure);
        Assert.Equal(expected, report.Report.Attempts.Skip(1).Select(a => a.DelayBefore));
    }

    [Fact]
    public async Task Delays_WithJitter_FollowDecorrelatedJitterCappedAtMaxDelay()
    {
        double[] rolls = [0.5, 0.1, 0.9, 0.99, 0.99, 0.5];
        var next = 0;
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), options =>
        {
            options.Retry.MaxRetryAttempts = rolls.Length;
            options.Retry.Randomizer = () => rolls[next++];
            options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(3);
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(6);
        });
        var expected = DecorrelatedJitterV2(Ms(200), Ms(2000), rolls);

        var report = await AssertScheduleAsync(pipeline, expected);

        Assert.Equal(rolls.Length + 1, report.Report.Attempts.Count);
        var waited = report.Report.Attempts.Skip(1).Select(a => a.DelayBefore).ToList();
        Assert.Equal(expected, waited);
        Assert.Contains(Ms(2000), waited); // the cap held a wait the formula made longer
        Assert.InRange(waited[0], Ms(150), Ms(250)); // a median roll gives a first retry near Delay
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    [InlineData(0.999)]
    public async Task Delays_WithJitter_StayWithinTheCapForAnyRoll(double roll)
    {
        // The shipped pipeline (Delay, MaxDelay, jitter from HelloResilienceDefaults) with the same roll every
        // time and six retries: uncapped, the sixth wait would be 16 × 2^roll / 1.4 × 200 ms ≥ 2.29 s.
        await using var pipeline = new HelloPipeline(ScriptedHandler.Statuses(HttpStatusCode.ServiceUnavailable), options =>
        {
            options.Retry.MaxRetryAttempts = 6;
            options.Retry.Randomizer = () => roll;
        });

        var result = await pipeline.GetHelloAsync();

        Assert.Equal(7, result.Report.Attempts.Count);
        var waited = result.Report.Attempts.Skip(1).Select(a => a.DelayBefore).ToList();
        Assert.All(waited, wait => Assert.InRange(wait, TimeSpan.Zero, HelloResilienceDefaults.MaxRetryDelay));
        Assert.Equal(HelloResilienceDefaults.MaxRetryDelay, waited[^1]);
    }

    /// <summary>
    /// Steps the clock to one tick before each backoff wait ends (no new attempt yet), then one tick more
    /// (the next attempt starts). Each wait the pipeline starts is compared with the schedule as it starts,
    /// so a wrong one fails with both values; a call that stops early fails saying after how many attempts.
    /// Returns the call's result.
    /// </summary>
    private static Task<HelloCallResult<HelloReply>> AssertScheduleAsync(HelloPipeline pipeline, IReadOnlyList<TimeSpan> expected) => Task.Run(async () =>
    {
        // Off the test framework's synchronization context (see HelloPipeline.RunAsync).
        var call = pipeline.CreateClient().GetHelloAsync(FaultValues.None, TestContext.Current.CancellationToken);
        await pipeline.Hello.WaitForAttemptAsync(1);

        for (var i = 0; i < expected.Count; i++)
        {
            var nextWait = pipeline.Time.NextDelayAsync(_ => true, $"backoff wait {i + 1} of {expected.Count}");
            if (await Task.WhenAny(nextWait, call) == call)
            {
                Assert.Fail($"The call ended after {pipeline.Hello.Attempts} attempts; the schedule has {expected.Count} waits.");
            }

            var wait = await nextWait;
            if (wait != expected[i])
            {
                Assert.Fail($"Backoff wait {i + 1} of {expected.Count}: expected {expected[i]}, actual {wait}.");
            }

            pipeline.Time.Advance(wait - OneTick);
            Assert.Equal(i + 1, pipeline.Hello.Attempts);
            pipeline.Time.Advance(OneTick);
            await pipeline.Hello.WaitForAttemptAsync(i + 2);
        }

        return await call;
    });

    /// <summary>
    /// Polly's published DecorrelatedJitterBackoffV2 (Polly.Core RetryHelper), written out as the
    /// oracle the product's waits are compared with: t = attempt + roll; next = 2^t · tanh(√(4t)); delay = (next − prev) / 1.4 · Delay,
    /// capped at MaxDelay. Task.Delay waits whole milliseconds, so the oracle truncates to them too.
    /// </summary>
    private static TimeSpan[] DecorrelatedJitterV2(TimeSpan median, TimeSpan cap, double[] rolls)
    {
        var prev = 0.0;
        var delays = new TimeSpan[rolls.Length];
        for (var attempt = 0; attempt < rolls.Length; attempt++)
        {
            var t = attempt + rolls[attempt];
            var next = Math.Pow(2, t) * Math.Tanh(Math.Sqrt(4 * t));
            var delay = TimeSpan.FromTicks((long)((next - prev) * (1 / 1.4d) * median.Ticks));
            prev = next;
            delays[attempt] = TimeSpan.FromMilliseconds(Math.Floor((delay > cap ? cap : delay).TotalMilliseconds));
        }

        return delays;
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
