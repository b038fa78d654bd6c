using System.Diagnostics;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.Contracts.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.HelloCalls;

/// <summary>
/// Typed client for HelloService. One logical call = one request id, however many attempts the
/// resilience pipeline makes; every outcome, including the pipeline giving up, comes back as a value.
/// </summary>
public sealed class HelloClient(
    HttpClient http,
    TimeProvider timeProvider,
    IOptions<HelloClientOptions> options,
    ClientTelemetry telemetry,
    CommitLookup commitLookup,
    HangUpDrains hangUpDrains)
{
    /// <summary>When to try again with the same key after an unknown outcome: soon, the store or HelloService is usually back.</summary>
    private static readonly TimeSpan OutcomeUnknownRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>When to come back after being shed at the concurrency limit: calls finish in milliseconds, so the limit frees up fast.</summary>
    private static readonly TimeSpan RateLimitedRetryAfter = TimeSpan.FromSeconds(1);

    public Task<HelloCallResult<HelloReply>> GetHelloAsync(FaultValues faults, CancellationToken cancellationToken) =>
        CallAsync<HelloReply>(
            log => new AttemptLoggedRequest(HttpMethod.Get, "/hello", log),
            faults,
            reply => reply is HelloReply { Message.Length: > 0 },
            reconcile: null,
            cancellationToken);

    /// <summary>A greeting by its id; <paramref name="id"/> is checked by the caller (ClientService's GreetingsApi), so it stays one path segment.</summary>
    public Task<HelloCallResult<GreetingReply>> GetGreetingAsync(string id, CancellationToken cancellationToken) =>
        CallAsync<GreetingReply>(
            log => new AttemptLoggedRequest(HttpMethod.Get, $"/greetings/{Uri.EscapeDataString(id)}", log),
            FaultValues.None,
            reply => reply is GreetingReply { Id.Length: > 0 },
            reconcile: null,
            cancellationToken);

    /// <summary>
    /// Creates a greeting exactly once: every attempt carries the same <paramref name="idempotencyKey"/>,
    /// so HelloService replays instead of creating again. If every attempt fails, HelloService is asked
    /// whether the key was committed anyway (a reply lost after the commit): a failure then means "none
    /// created", and when that question gets no answer either, the outcome is reported as unknown.
    /// </summary>
    public Task<HelloCallResult<GreetingReply>> CreateGreetingAsync(string name, string idempotencyKey, FaultValues faults, CancellationToken cancellationToken) =>
        CallAsync<GreetingReply>(
            log =>
            {
                var request = new AttemptLoggedRequest(HttpMethod.Post, "/greetings", log) { Content = new ByteArrayContent(GreetingBody.Write(name)) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } } };
                request.Headers.Add(WireHeaders.IdempotencyKey, idempotencyKey);
                return request;
            },
            faults,
            reply => reply is GreetingReply { Id.Length: > 0 },
            reconcile: ct => commitLookup.FindByKeyAsync(idempotencyKey, name, ct),
            cancellationToken);

    private async Task<HelloCallResult<T>> CallAsync<T>(
        Func<AttemptLog, AttemptLoggedRequest> createRequest,
        FaultValues faults,
        Func<T?, bool> isValid,
        Func<CancellationToken, Task<CommitCheck>>? reconcile,
        CancellationToken cancellationToken) where T : class
    {
        // Attempts are child spans of the ambient activity; without one (a background caller) each
        // attempt would start its own trace, so the logical call gets a span of its own.
        using var activity = Activity.Current is null ? telemetry.ActivitySource.StartActivity("hello.call") : null;
        var started = timeProvider.GetTimestamp();
        var result = await SendAsync(createRequest, faults, isValid, cancellationToken);
        if (result.Failure is not null)
        {
            // The caller hung up while an attempt ran: it was let finish, and nobody is left to tell why it failed.
            cancellationToken.ThrowIfCancellationRequested();
        }

        // The last attempt does not speak for the others: a 400 after a timeout may follow a commit whose
        // reply was lost. So HelloService is asked whenever any attempt could have written, whatever the last said.
        if (reconcile is not null && result.Failure is not null and not HelloFailure.RateLimited && result.Report.Attempts.Any(MayHaveWritten)
            && !cancellationToken.IsCancellationRequested)
        {
            var check = await reconcile(cancellationToken);
            if (check.Greeting is T committed)
            {
                result = HelloCallResult<T>.Success(committed, result.Report with { Reconciled = true });
            }
            else if (check.KeyReused)
            {
                result = result with { Failure = HelloFailure.Rejected, LastStatusCode = StatusCodes.Status422UnprocessableEntity, RetryAfter = null };
            }
            else if (!check.Known)
            {
                result = result with { Failure = HelloFailure.OutcomeUnknown, RetryAfter = result.RetryAfter > OutcomeUnknownRetryAfter ? result.RetryAfter : OutcomeUnknownRetryAfter };
            }

            // The report covers the whole call, the commit check included.
            result = result with { Report = result.Report with { TotalElapsed = timeProvider.GetElapsedTime(started) } };
        }

        telemetry.RecordCall(result.Failure is { } failure ? HelloFailureTag.Of(failure) : null, result.Report.Attempts.Count);
        return result;
    }

    private async Task<HelloCallResult<T>> SendAsync<T>(
        Func<AttemptLog, AttemptLoggedRequest> createRequest, FaultValues faults, Func<T?, bool> isValid, CancellationToken cancellationToken) where T : class
    {
        var log = new AttemptLog(Guid.NewGuid().ToString("N"), timeProvider, cancellationToken, hangUpDrains);

        using var request = createRequest(log);
        request.Headers.Add(WireHeaders.RequestId, log.RequestId);
        foreach (var (name, value) in faults.ToHeaders())
        {
            request.Headers.Add(name, value);
        }

        // The key unlocks HelloService's fault headers; a call without any carries no secret.
        if (!faults.IsEmpty && options.Value.FaultControlKey is { Length: > 0 } key)
        {
            request.Headers.Add(WireHeaders.FaultControlKey, key);
        }

        try
        {
            using var followCaller = log.FollowCaller();
            using var response = await http.SendAsync(request, log.CallToken);
            if (response.IsSuccessStatusCode)
            {
                var reply = await response.Content.ReadFromJsonAsync<T>(log.CallToken);
                return isValid(reply)
                    ? HelloCallResult<T>.Success(reply!, Report(log))
                    : HelloCallResult<T>.Failed(HelloFailure.BadResponse, Report(log), (int)response.StatusCode);
            }

            var failure = log.Stop switch
            {
                RetryStop.NotTransient => HelloFailure.Rejected,
                RetryStop.RetryAfterBeyondBudget => HelloFailure.RetryAfterBeyondBudget,
                _ => StoppedBy(HelloFailure.Exhausted, log),
            };
            return HelloCallResult<T>.Failed(failure, Report(log), (int)response.StatusCode, RetryAfterBudget.Wait(response.Headers.RetryAfter, timeProvider));
        }
        catch (RateLimiterRejectedException ex)
        {
            // Shed before any attempt: the caller may come back soon (the limiter's hint, else a second).
            return HelloCallResult<T>.Failed(HelloFailure.RateLimited, Report(log), retryAfter: ex.RetryAfter ?? RateLimitedRetryAfter);
        }
        catch (BrokenCircuitException ex)
        {
            return HelloCallResult<T>.Failed(HelloFailure.CircuitOpen, Report(log), retryAfter: ex.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            // The last attempt's own timeout once the attempts ran out is Exhausted; only the total timeout is TimedOut.
            var failure = log.Stop is RetryStop.AttemptsExhausted ? HelloFailure.Exhausted : HelloFailure.TimedOut;
            return HelloCallResult<T>.Failed(StoppedBy(failure, log), Report(log));
        }
        catch (HttpRequestException)
        {
            return HelloCallResult<T>.Failed(StoppedBy(HelloFailure.Unreachable, log), Report(log));
        }
        catch (System.Text.Json.JsonException)
        {
            return HelloCallResult<T>.Failed(HelloFailure.BadResponse, Report(log));
        }
    }

    /// <summary>
    /// An attempt that may have committed: no answer (cut by a timeout, a connection lost mid-request), a 5xx
    /// (the failure may have come after the commit), or a 409 (an earlier attempt with the key was still in
    /// progress, and may yet commit). Any other 4xx was refused before the write.
    /// </summary>
    private static bool MayHaveWritten(AttemptRecord attempt) => attempt.StatusCode is null or >= 500 or StatusCodes.Status409Conflict;

    // A transient failure that could have been retried but the retry budget refused (RetryDecision recorded it).
    private static HelloFailure StoppedBy(HelloFailure failure, AttemptLog log) =>
        log.Stop is RetryStop.RetryBudgetExhausted ? HelloFailure.RetryBudgetExhausted : failure;

    private static HelloCallReport Report(AttemptLog log) =>
        new(log.RequestId, log.Attempts, log.Elapsed);
}
