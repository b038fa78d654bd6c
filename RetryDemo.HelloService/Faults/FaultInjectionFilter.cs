using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Hello;

namespace RetryDemo.HelloService.Faults;

/// <summary>
/// Decides, before the endpoint runs, whether this request fails and how. Order: outage, then the
/// operator's fail-next, then the profile's fail-first and random rate; latency applies to every reply.
/// </summary>
public sealed class FaultInjectionFilter(
    LastValidOptions<FaultOptions> profile,
    IFaultStateStore state,
    FaultControlGate gate,
    FaultDice dice,
    ServiceInstance instance,
    TimeProvider timeProvider,
    ILogger<FaultInjectionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var headers = context.Request.Headers;
        var errors = new Dictionary<string, string[]>();

        var options = profile.Current;
        if (FaultHeaders.HasOverrides(headers))
        {
            if (gate.Check(context, "per-request override") is { } refused)
            {
                return refused;
            }

            options = FaultHeaders.Apply(options, headers, errors);
        }

        var seededPerRequest = headers.ContainsKey(FaultSettings.Seed.Header);
        var requestId = FaultHeaders.ReadRequestId(headers, needed: headers.ContainsKey(FaultSettings.FailFirst.Header) || seededPerRequest, errors, out var ignored);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid fault settings");
        }

        if (ignored)
        {
            FaultLog.RequestIdIgnored(logger);
        }

        var ct = context.RequestAborted;
        // Attempts are only counted when fail-first or a request's seed needs them: a load test must not fill
        // the store. A configured seed numbers the service's rolls instead (one counter).
        var counted = options.FailFirstAttempts > 0 || seededPerRequest;
        var numbered = options.Seed is not null && !seededPerRequest && options.FailureRate > 0;
        // Without either, a store that cannot be read leaves the operator's switches off (FailOpenFaultState).
        var observed = Trusted(await state.ObserveAsync(counted ? requestId : null, numbered, ct));
        int? attempt = counted ? observed.Attempt ?? 1 : null;
        context.Features.Set(new AttemptFeature { Attempt = attempt, Options = options });

        try
        {
            if (options.LatencyMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.LatencyMs), timeProvider, ct);
            }

            var fault = Choose(options, observed, attempt);
            if (fault is null)
            {
                return await next(invocation);
            }

            if (options.Hang && fault.Value.Fault != "outage")
            {
                FaultLog.FaultInjected(logger, fault.Value.Fault, "hang until the caller gives up", attempt, requestId);
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, ct);
            }

            var (name, status, retryAfter) = fault.Value;
            FaultLog.FaultInjected(logger, name, $"answered {status}", attempt, requestId);
            if (retryAfter > 0 && FaultLimits.AllowsRetryAfter(status))
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return TypedResults.Problem(
                detail: $"HelloService failed on purpose ({name}).",
                statusCode: status,
                title: "Injected fault",
                extensions: new Dictionary<string, object?>
                {
                    ["fault"] = name,
                    ["attempt"] = attempt,
                    ["instance"] = instance.Name,
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up (attempt timeout, disconnect); nobody reads this reply.
            return TypedResults.Empty;
        }
    }

    /// <summary>
    /// Values read from the store held to the operator API's limits: anyone who can write to the store could
    /// have put them there, and a status such as 999 must never become this service's answer.
    /// </summary>
    internal static AttemptFaults Trusted(AttemptFaults observed) => observed with
    {
        FailNextStatus = observed.FailNextStatus is { } status && FaultLimits.FailureStatuses.Contains(status) ? status : null,
        FailNextRetryAfterSeconds = Math.Clamp(observed.FailNextRetryAfterSeconds, 0, FaultLimits.MaxRetryAfterSeconds),
        Attempt = observed.Attempt is { } attempt ? Math.Max(attempt, 1) : null,
        Roll = observed.Roll is { } roll ? Math.Max(roll, 1) : null,
    };

    private (string Fault, int Status, int RetryAfter)? Choose(FaultOptions options, AttemptFaults observed, int? attempt)
    {
        if (observed.Outage)
        {
            return ("outage", StatusCodes.Status503ServiceUnavailable, 0);
        }

        if (observed.FailNextStatus is { } status)
        {
            return ("fail-next", status, observed.FailNextRetryAfterSeconds);
        }

        if (attempt <= options.FailFirstAttempts)
        {
            return ("fail-first", options.FailureStatusCode, options.RetryAfterSeconds);
        }

        if (options.FailureRate > 0 && (options.Seed is { } seed ? FaultDice.Roll(seed, observed.Roll ?? attempt ?? 1) : dice.Roll()) < options.FailureRate)
        {
            return ("random", options.FailureStatusCode, options.RetryAfterSeconds);
        }

        if (options.Hang && !options.HasSelector)
        {
            return ("hang", StatusCodes.Status503ServiceUnavailable, 0);
        }

        return null;
    }
}
