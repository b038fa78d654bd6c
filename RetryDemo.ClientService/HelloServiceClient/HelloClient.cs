using System.Diagnostics;
using Microsoft.Extensions.Options;
using RetryDemo.ClientService.Diagnostics;
using RetryDemo.ClientService.Hedging;
using RetryDemo.Contracts.Faults;
using RetryDemo.ClientService.Resilience;
using RetryDemo.Contracts;

namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>
/// Typed client for HelloService. One logical call = one request id, however many attempts the
/// resilience pipeline makes; every outcome, including the pipeline giving up, comes back as a value.
/// </summary>
public sealed class HelloClient(
    HttpClient http,
    IHttpClientFactory clients,
    HedgingDelay hedgingDelay,
    TimeProvider timeProvider,
    IOptions<HelloClientOptions> options,
    ClientTelemetry telemetry,
    CommitLookup commitLookup,
    HangUpDrains hangUpDrains)
{
    public Task<HelloCallResult<HelloReply>> GetHelloAsync(FaultValues faults, CancellationToken cancellationToken) =>
        CallHelloAsync(faults, hedged: false, cancellationToken);

    /// <summary>
    /// Hello through the hedging pipeline: a slow attempt gets a second one beside it, and the first answer wins.
    /// Only for this safe read; a write is never hedged.
    /// </summary>
    public async Task<HelloCallResult<HelloReply>> GetHelloHedgedAsync(FaultValues faults, CancellationToken cancellationToken)
    {
        var result = await CallHelloAsync(faults, hedged: true, cancellationToken);
        hedgingDelay.ObserveCall(result.Report.Attempts);
        telemetry.RecordHedges(result.Report.Attempts.Count(a => a.Hedge), result.Report.Attempts.Count(a => a.Hedge && a.Answered));
        return result;
    }

    private Task<HelloCallResult<HelloReply>> CallHelloAsync(FaultValues faults, bool hedged, CancellationToken cancellationToken) =>
        CallAsync<HelloReply>(
            log => new AttemptLoggedRequest(HttpMethod.Get, "/hello", log),
            faults,
            reply => reply is HelloReply { Message.Length: > 0 },
            reconcile: null,
            cancellationToken,
            hedged);

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
            reconcile: (requestId, ct) => commitLookup.FindByKeyAsync(idempotencyKey, name, requestId, ct),
            cancellationToken);

    private async Task<HelloCallResult<T>> CallAsync<T>(
        Func<AttemptLog, AttemptLoggedRequest> createRequest,
        FaultValues faults,
        Func<T?, bool> isValid,
        Func<string, CancellationToken, Task<CommitCheck>>? reconcile,
        CancellationToken cancellationToken,
        bool hedged = false) where T : class
    {
        // Attempts are child spans of the ambient activity; without one (a background caller) each
        // attempt would start its own trace, so the logical call gets a span of its own.
        using var activity = Activity.Current is null ? telemetry.ActivitySource.StartActivity("hello.call") : null;
        var started = timeProvider.GetTimestamp();
        var result = await SendAsync(createRequest, faults, isValid, hedged, cancellationToken);
        if (result.Failure is not null)
        {
            // The caller hung up while an attempt ran: it was let finish, and nobody is left to tell why it failed.
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (reconcile is not null && CommitCheck.IsNeededFor(result) && !cancellationToken.IsCancellationRequested)
        {
            result = (await reconcile(result.Report.RequestId, cancellationToken)).Settle(result);
            // The report covers the whole call, the commit check included.
            result = result with { Report = result.Report with { TotalElapsed = timeProvider.GetElapsedTime(started) } };
        }

        telemetry.RecordCall(result.Failure is { } failure ? HelloFailureTag.Of(failure) : null, result.Report.Attempts.Count);
        return result;
    }

    private async Task<HelloCallResult<T>> SendAsync<T>(
        Func<AttemptLog, AttemptLoggedRequest> createRequest, FaultValues faults, Func<T?, bool> isValid, bool hedged, CancellationToken cancellationToken) where T : class
    {
        var log = new AttemptLog(Guid.NewGuid().ToString("N"), timeProvider, cancellationToken, hangUpDrains, hedged);

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
            using var response = await (hedged ? clients.CreateClient(HelloHedgingExtensions.ClientName) : http).SendAsync(request, log.CallToken);
            log.MarkAnswered(response.RequestMessage);
            if (response.IsSuccessStatusCode)
            {
                var reply = await response.Content.ReadFromJsonAsync<T>(log.CallToken);
                return isValid(reply)
                    ? HelloCallResult<T>.Success(reply!, Report(log))
                    : HelloCallResult<T>.Failed(HelloFailure.BadResponse, Report(log), (int)response.StatusCode);
            }

            return HelloCallResult<T>.Failed(CallFailures.OfAnswer(log.Stop), Report(log), (int)response.StatusCode, RetryAfterBudget.Wait(response.Headers.RetryAfter, timeProvider));
        }
        catch (Exception ex) when (CallFailures.OfException(ex, log.Stop) is { } failed)
        {
            return HelloCallResult<T>.Failed(failed.Failure, Report(log), retryAfter: failed.RetryAfter);
        }
    }

    private static HelloCallReport Report(AttemptLog log) =>
        new(log.RequestId, log.Attempts, log.Elapsed);
}
