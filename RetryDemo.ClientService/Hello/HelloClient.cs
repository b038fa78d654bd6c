using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using RetryDemo.ClientService.Diagnostics;
using Polly.Timeout;
using RetryDemo.ClientService.Resilience;

namespace RetryDemo.ClientService.Hello;

/// <summary>
/// Typed client for HelloService. One logical call = one request id, however many attempts the
/// resilience pipeline makes; every outcome, including the pipeline giving up, comes back as a value.
/// </summary>
public sealed class HelloClient(
    HttpClient http,
    TimeProvider timeProvider,
    IOptions<HelloClientOptions> options,
    IOptionsMonitor<HttpStandardResilienceOptions> resilience,
    ClientTelemetry telemetry)
{
    /// <summary>The options name the standard handler gives this typed client's pipeline.</summary>
    public const string ResiliencePipelineName = $"{nameof(HelloClient)}-standard";

    public const string RequestIdHeader = "X-Request-Id";
    public const string FaultControlKeyHeader = "X-Fault-Control-Key";

    public async Task<HelloCallResult> GetHelloAsync(FaultRequest faults, CancellationToken cancellationToken)
    {
        // Attempts are child spans of the ambient activity; without one (a background caller) each
        // attempt would start its own trace, so the logical call gets a span of its own.
        using var activity = Activity.Current is null ? telemetry.ActivitySource.StartActivity("hello.call") : null;
        var result = await CallAsync(faults, cancellationToken);
        telemetry.RecordCall(result);
        return result;
    }

    private async Task<HelloCallResult> CallAsync(FaultRequest faults, CancellationToken cancellationToken)
    {
        var log = new AttemptLog(timeProvider, cancellationToken);
        var requestId = Guid.NewGuid().ToString("N");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Options.Set(AttemptLog.Key, log);
        request.Headers.Add(RequestIdHeader, requestId);
        foreach (var (name, value) in faults.ToHeaders())
        {
            request.Headers.Add(name, value);
        }

        if (options.Value.FaultControlKey is { Length: > 0 } key)
        {
            request.Headers.Add(FaultControlKeyHeader, key);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var reply = await response.Content.ReadFromJsonAsync<HelloReply>(cancellationToken);
                return reply is { Message.Length: > 0 }
                    ? HelloCallResult.Success(reply, Report(requestId, log))
                    : HelloCallResult.Failed(HelloFailure.BadResponse, Report(requestId, log), (int)response.StatusCode);
            }

            var failure = !IsTransient(response.StatusCode) ? HelloFailure.Rejected
                : log.Attempts.Count <= resilience.Get(ResiliencePipelineName).Retry.MaxRetryAttempts && response.Headers.RetryAfter is not null ? HelloFailure.RetryAfterBeyondBudget
                : HelloFailure.Exhausted;
            return HelloCallResult.Failed(failure, Report(requestId, log), (int)response.StatusCode, RetryAfterBudget.Wait(response.Headers.RetryAfter, timeProvider));
        }
        catch (BrokenCircuitException ex)
        {
            return HelloCallResult.Failed(HelloFailure.CircuitOpen, Report(requestId, log), retryAfter: ex.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            return HelloCallResult.Failed(HelloFailure.TimedOut, Report(requestId, log));
        }
        catch (HttpRequestException)
        {
            return HelloCallResult.Failed(HelloFailure.Unreachable, Report(requestId, log));
        }
        catch (System.Text.Json.JsonException)
        {
            return HelloCallResult.Failed(HelloFailure.BadResponse, Report(requestId, log));
        }
    }

    // The standard handler's own definition of transient, so "exhausted" means "retried and gave up".
    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;


    private static HelloCallReport Report(string requestId, AttemptLog log) =>
        new(requestId, log.Attempts, log.Elapsed);
}

public sealed record HelloReply(string Message, string Instance, int? Attempt);

public sealed record HelloCallReport(string RequestId, IReadOnlyList<AttemptRecord> Attempts, TimeSpan TotalElapsed);

public enum HelloFailure
{
    /// <summary>Every attempt failed transiently and the retries ran out.</summary>
    Exhausted,
    /// <summary>HelloService asked for a Retry-After longer than the call could wait; not slept out.</summary>
    RetryAfterBeyondBudget,
    /// <summary>HelloService answered a non-transient error (a 4xx other than 408/429); not retried.</summary>
    Rejected,
    /// <summary>The circuit breaker is open; HelloService was not called.</summary>
    CircuitOpen,
    /// <summary>The total request timeout ended the call.</summary>
    TimedOut,
    /// <summary>No connection could be made.</summary>
    Unreachable,
    /// <summary>A success status with a body that is not a greeting.</summary>
    BadResponse,
}

public sealed record HelloCallResult(HelloReply? Reply, HelloFailure? Failure, HelloCallReport Report, int? LastStatusCode, TimeSpan? RetryAfter)
{
    public static HelloCallResult Success(HelloReply reply, HelloCallReport report) => new(reply, null, report, 200, null);

    public static HelloCallResult Failed(HelloFailure failure, HelloCallReport report, int? lastStatusCode = null, TimeSpan? retryAfter = null) =>
        new(null, failure, report, lastStatusCode, retryAfter);
}
