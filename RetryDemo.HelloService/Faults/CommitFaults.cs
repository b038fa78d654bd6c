using Microsoft.AspNetCore.Http.HttpResults;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Faults that strike after a write has committed, the cases idempotency keys exist for: the reply is
/// lost (503) or late (beyond the caller's attempt timeout), chosen by this attempt's fault settings.
/// </summary>
public static class CommitFaults
{
    /// <returns>
    /// The lost reply's answer, or null to answer as usual (after the delay, if one struck). Throws
    /// <see cref="OperationCanceledException"/> when the caller gives up during a delay.
    /// </returns>
    public static async Task<ProblemHttpResult?> AfterCommitAsync(
        string greetingId, string key, HttpContext context, FaultDice dice, TimeProvider timeProvider, ILogger logger)
    {
        var faults = context.Features.Get<AttemptFeature>()?.Options;
        if (faults is { CommitFailRate: > 0 } && dice.Roll() < faults.CommitFailRate)
        {
            FaultLog.CommitFaultInjected(logger, "commit-then-fail", greetingId, key);
            return TypedResults.Problem("Committed, then failed on purpose.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Injected fault");
        }

        if (faults is { CommitDelayRate: > 0, CommitDelayMs: > 0 } && dice.Roll() < faults.CommitDelayRate)
        {
            FaultLog.CommitFaultInjected(logger, "commit-then-delay", greetingId, key);
            await Task.Delay(TimeSpan.FromMilliseconds(faults.CommitDelayMs), timeProvider, context.RequestAborted);
        }

        return null;
    }
}
