using System.Diagnostics;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// Sits inside the resilience handler, so it runs once per attempt: records each attempt in the
/// call's <see cref="AttemptLog"/> and logs it.
/// </summary>
public sealed class AttemptRecordingHandler(RetryBudget budget, ILogger<AttemptRecordingHandler> logger) : DelegatingHandler
{
    // A request without a log passes straight through: no state machine of ours on its way.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        AttemptLog.Of(request) is { } log
            ? SendRecordedAsync(request, log, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendRecordedAsync(HttpRequestMessage request, AttemptLog log, CancellationToken cancellationToken)
    {
        var startedAt = log.BeginAttempt(out var number, out var delayBefore);
        var attempt = new CurrentAttempt(number, Hedge: log.Hedged && number > 1);
        if (log.Hedged)
        {
            // Which attempt answered is known only by the request the answer came back on.
            request.Options.Set(AttemptLog.NumberKey, number);
        }

        Announce(attempt, delayBefore);
        AttemptContext.Current = attempt;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var record = log.EndAttempt(number, startedAt, (int)response.StatusCode, null, InstanceOf(response));
            AttemptLogMessages.Attempt(logger, record, log.RequestId, LevelFor(response, number));
            return response;
        }
        catch (Exception ex)
        {
            // Names the caller can read in the report: what went wrong, not which CLR type said so.
            var error = ex switch
            {
                OperationCanceledException when log.CallCancelled => "cancelled",
                // The hedging strategy cancels the attempts still running once one has answered.
                OperationCanceledException when log.Hedged && log.AnsweredElsewhere(number) => "lost",
                OperationCanceledException => "timeout",
                HttpRequestException => "unreachable",
                _ => "error",
            };
            var record = log.EndAttempt(number, startedAt, null, error);
            if (error == "cancelled" && attempt.Hedge && !log.AnsweredElsewhere(number))
            {
                budget.ReturnHedgeToken();
            }

            // A caller who hangs up is the caller's business: a stranger must not buy a warning per request.
            AttemptLogMessages.Attempt(logger, record, log.RequestId, error is "cancelled" or "lost" ? LogLevel.Debug : LogLevel.Warning);
            throw;
        }
    }

    // The hedge or the backoff wait before a retry, visible on the ambient (server or logical-call) span.
    private static void Announce(CurrentAttempt attempt, TimeSpan delayBefore)
    {
        if (attempt.Hedge)
        {
            Activity.Current?.AddEvent(new ActivityEvent("retrydemo.hedge", tags: new ActivityTagsCollection { [AttemptContext.AttemptTag] = attempt.Number }));
        }
        else if (attempt.Number > 1)
        {
            Activity.Current?.AddEvent(new ActivityEvent("retrydemo.retry", tags: new ActivityTagsCollection
            {
                [AttemptContext.AttemptTag] = attempt.Number,
                ["retrydemo.delay_ms"] = delayBefore.TotalMilliseconds,
            }));
        }
    }

    // Bounded: the header comes from whatever answers at HelloService's address.
    private static string? InstanceOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(WireHeaders.Instance, out var values) && values.FirstOrDefault() is { Length: > 0 and <= 64 } instance ? instance : null;

    // Quiet when the first try works; a success after retries is worth a line, a failure a warning. An answer
    // about the caller's own request (no such greeting, a key in use or reused) is the caller's business:
    // a stranger could otherwise buy a warning per request.
    private static LogLevel LevelFor(HttpResponseMessage response, int number) => (int)response.StatusCode switch
    {
        404 or 409 or 422 => LogLevel.Debug,
        _ when !response.IsSuccessStatusCode => LogLevel.Warning,
        _ => number > 1 ? LogLevel.Information : LogLevel.Debug,
    };
}

internal static partial class AttemptLogMessages
{
    [LoggerMessage(EventId = 3101, Message = "Hello attempt {AttemptNumber} of request {" + LogTags.RequestId + "}: {Outcome} in {DurationMs:F1} ms after waiting {DelayBeforeMs:F1} ms, as {AttemptKind}")]
    private static partial void Attempt(ILogger logger, LogLevel level, int attemptNumber, [TagName(LogTags.RequestId)] string requestId, string outcome, double durationMs, double delayBeforeMs, string attemptKind);

    public static void Attempt(ILogger logger, AttemptRecord record, string requestId, LogLevel level)
    {
        // Checked here: the outcome's text would otherwise be formatted for a first try's Debug line nobody reads.
        if (logger.IsEnabled(level))
        {
            Attempt(logger, level, record.Number, requestId, record.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? record.Error ?? "unknown",
                record.Duration.TotalMilliseconds, record.DelayBefore.TotalMilliseconds, record switch { { Hedge: true } => "hedge", { Number: > 1 } => "retry", _ => "first" });
        }
    }
}
