using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.HelloService.Faults.Injection;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// Faults that strike after a write has committed, the cases idempotency keys exist for: the reply is lost
/// (503) or late (beyond the caller's attempt timeout), chosen by this attempt's fault settings. Runs on the
/// write's result, so the handler holds the write alone; a replay is answered as it is.
/// </summary>
public sealed class CommitFaultFilter(FaultDice dice, TimeProvider timeProvider, ILogger<CommitFaultFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var context = invocation.HttpContext;
        // The handler answers a Results<…> union; the write's own result is inside it.
        if ((result is INestedHttpResult nested ? nested.Result : result) is not Created<Greeting> { Value: { } greeting }
            || context.Response.Headers.ContainsKey(GreetingsApi.ReplayedHeader)
            || context.Features.Get<AttemptFeature>()?.Options is not { } faults)
        {
            return result;
        }

        var key = context.Request.Headers[RetryDemo.Contracts.WireHeaders.IdempotencyKey].ToString();
        if (faults.CommitFailRate > 0 && dice.Roll() < faults.CommitFailRate)
        {
            FaultInjectionLog.CommitFaultInjected(logger, "commit-then-fail", greeting.Id, key);
            return TypedResults.Problem("Committed, then failed on purpose.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Injected fault");
        }

        if (faults is { CommitDelayRate: > 0, CommitDelayMs: > 0 } && dice.Roll() < faults.CommitDelayRate)
        {
            FaultInjectionLog.CommitFaultInjected(logger, "commit-then-delay", greeting.Id, key);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(faults.CommitDelayMs), timeProvider, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller gave up waiting for a late reply; nobody reads this one.
                return TypedResults.Empty;
            }
        }

        return result;
    }
}
