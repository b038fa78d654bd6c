using System.Diagnostics;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.HelloService.Faults.Control;
using RetryDemo.HelloService.Replicas;
using RetryDemo.ServiceDefaults;

namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>
/// Decides, before the endpoint runs, whether this request fails and how. Order: outage, then the
/// operator's fail-next, then the profile's fail-first and random rate; latency applies to every reply, the slow
/// rate's delay to the attempts it picks.
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
        var (request, refusal) = Read(context);
        if (refusal is not null)
        {
            return refusal;
        }

        var ct = context.RequestAborted;
        var (observed, attempt) = await ObserveAsync(request, ct);
        context.Features.Set(new AttemptFeature { Attempt = attempt, Options = request.Options });
        try
        {
            var delay = TimeSpan.FromMilliseconds(request.Options.LatencyMs);
            if (SlowAttempt.For(request.Options, observed, attempt, dice) is { } slow)
            {
                FaultInjectionLog.SlowAttempt(logger, slow.TotalMilliseconds, attempt, request.RequestId);
                Activity.Current?.SetTag("retrydemo.fault", "slow");
                delay += slow;
            }

            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, timeProvider, ct);
            }

            return ChosenFault.For(request.Options, observed, attempt, dice) is { } fault
                ? await AnswerAsync(context, fault, request, attempt, ct)
                : await next(invocation);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller gave up (attempt timeout, disconnect); nobody reads this reply.
            return TypedResults.Empty;
        }
    }

    /// <summary>This request's fault settings: the profile, with the request's own overrides if it may make them.</summary>
    private (RequestFaults Request, IResult? Refusal) Read(HttpContext context)
    {
        var headers = context.Request.Headers;
        var errors = new Dictionary<string, string[]>();
        var options = profile.Current;
        if (FaultHeaders.HasOverrides(headers))
        {
            if (gate.Check(context, "per-request override") is { } refused)
            {
                return (default, refused);
            }

            options = FaultHeaders.Apply(options, headers, errors);
        }

        var seededPerRequest = headers.ContainsKey(FaultSettings.Seed.Header);
        var requestId = FaultHeaders.ReadRequestId(headers, needed: headers.ContainsKey(FaultSettings.FailFirst.Header) || seededPerRequest, errors, out var ignored);
        if (errors.Count > 0)
        {
            return (default, TypedResults.ValidationProblem(errors, title: "Invalid fault settings"));
        }

        if (ignored)
        {
            FaultInjectionLog.RequestIdIgnored(logger);
        }

        return (new RequestFaults(options, requestId, seededPerRequest), null);
    }

    /// <summary>
    /// The shared state this request needs. Attempts are only counted when fail-first or a request's seed needs
    /// them: a load test must not fill the store. A configured seed numbers the service's rolls instead (one
    /// counter). Without either, a store that cannot be read leaves the operator's switches off (FailOpenFaultState).
    /// </summary>
    private async Task<(AttemptFaults Observed, int? Attempt)> ObserveAsync(RequestFaults request, CancellationToken ct)
    {
        var counted = request.Options.FailFirstAttempts > 0 || request.SeededPerRequest;
        var numbered = request.Options.Seed is not null && !request.SeededPerRequest && (request.Options.FailureRate > 0 || request.Options.SlowRate > 0);
        var observed = (await state.ObserveAsync(counted ? request.RequestId : null, numbered, ct)).Trusted();
        return (observed, counted ? observed.Attempt ?? 1 : null);
    }

    private async Task<IResult> AnswerAsync(HttpContext context, ChosenFault fault, RequestFaults request, int? attempt, CancellationToken ct)
    {
        if (request.Options.Hang && fault.Kind != InjectedFault.Outage)
        {
            FaultInjectionLog.FaultInjected(logger, fault.Name, "hang until the caller gives up", attempt, request.RequestId);
            await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, ct);
        }

        FaultInjectionLog.FaultInjected(logger, fault.Name, $"answered {fault.Status}", attempt, request.RequestId);
        if (fault.RetryAfterSeconds > 0 && FaultLimits.AllowsRetryAfter(fault.Status))
        {
            context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(
            detail: $"HelloService failed on purpose ({fault.Name}).",
            statusCode: fault.Status,
            title: "Injected fault",
            extensions: new Dictionary<string, object?>
            {
                ["fault"] = fault.Name,
                ["attempt"] = attempt,
                ["instance"] = instance.Name,
            });
    }

    private readonly record struct RequestFaults(FaultOptions Options, string? RequestId, bool SeededPerRequest);
}
