using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Hedging;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Hedging;

/// <summary>
/// The hedging pipeline's two decisions, as <see cref="RetryDecision"/> makes the retry pipeline's: which answers
/// the hedging strategy should not accept (transient failures: it then sends the next hedge at once, or waits
/// for one in flight), and whether a hedge may be sent at all (the <see cref="RetryBudget"/> retries draw on).
/// Why a call stopped is recorded on its <see cref="AttemptLog"/> as the decision is made.
/// </summary>
public sealed class HedgeDecision(RetryBudget budget, IOptions<HedgingOptions> options, ILogger<HedgeDecision> logger)
{
    public ValueTask<bool> ShouldHandleAsync(in HedgingPredicateArguments<HttpResponseMessage> args)
    {
        // A loser, cut once another attempt answered: its outcome is nobody's. An open breaker or a full
        // concurrency limit refused the attempt before it was sent: a hedge would be refused the same way.
        if (args.Context.CancellationToken.IsCancellationRequested || args.Outcome.Exception is BrokenCircuitException or RateLimiterRejectedException)
        {
            return ValueTask.FromResult(false);
        }

        var transient = args.Outcome.Result is not { IsSuccessStatusCode: true }
            && HttpClientHedgingResiliencePredicates.IsTransient(args.Outcome);
        budget.Observe(args.Outcome, transient, args.Context.CancellationToken);
        if (args.Outcome.Result is not { IsSuccessStatusCode: true }
            && AttemptLog.Of(args.Outcome.Result?.RequestMessage ?? RequestOf(args.Context)) is { } log)
        {
            if (!transient)
            {
                log.RecordStop(RetryStop.NotTransient);
            }
            else if (log.Attempts.Count > options.Value.MaxHedgedAttempts)
            {
                log.RecordStop(RetryStop.AttemptsExhausted);
            }
        }

        return ValueTask.FromResult(transient);
    }

    /// <summary>Wraps the hedging handler's own generator (which clones the request): a hedge goes only if the budget gives it a token.</summary>
    public Func<HedgingActionGeneratorArguments<HttpResponseMessage>, Func<ValueTask<Outcome<HttpResponseMessage>>>?> Guard(
        Func<HedgingActionGeneratorArguments<HttpResponseMessage>, Func<ValueTask<Outcome<HttpResponseMessage>>>?> send) =>
        args =>
        {
            // Polly asks again after every further delay while the first attempt runs: the call's first "no" stands,
            // and is said once. A caller who has left gets no hedge (its attempt in flight is only being let finish).
            var log = AttemptLog.Of(RequestOf(args.PrimaryContext));
            if (log is { Stop: RetryStop.RetryBudgetExhausted } or { CallCancelled: true })
            {
                return null;
            }

            if (budget.TryTakeForHedge())
            {
                return send(args);
            }

            log?.RecordStop(RetryStop.RetryBudgetExhausted);
            var snapshot = budget.ReportRefusal(args.AttemptNumber + 1, hedge: true);
            HedgeLog.Refused(logger, args.AttemptNumber + 1, log?.RequestId, snapshot.Tokens, snapshot.MaxTokens);
            return null;
        };

#pragma warning disable EXTEXP0001 // GetRequestMessage is experimental; it is how a predicate sees the request when there is no response.
    private static HttpRequestMessage? RequestOf(ResilienceContext context) => context.GetRequestMessage();
#pragma warning restore EXTEXP0001
}

internal static partial class HedgeLog
{
    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning,
        Message = "Retry budget exhausted: no hedge {AttemptNumber} for request {" + LogTags.RequestId + "} ({Tokens} of {MaxTokens} tokens left; hedges, like retries, need more than half)")]
    public static partial void Refused(ILogger logger, int attemptNumber, [TagName(LogTags.RequestId)] string? requestId, double tokens, int maxTokens);
}
