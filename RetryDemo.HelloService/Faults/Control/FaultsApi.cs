using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;
using RetryDemo.HelloService.Faults.State;
using RetryDemo.HelloService.Faults.Profile;
using RetryDemo.ServiceDefaults;

namespace RetryDemo.HelloService.Faults.Control;

/// <summary>Operator actions on service-wide fault state (the dashboard's command buttons call these).</summary>
public static class FaultsApi
{
    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/faults")
            .AddEndpointFilter(RequireFaultControl)
            .RequiresFaultControlKey()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags("Faults");

        api.MapGet("/", GetFaults);
        api.MapPost("/fail-next/{count}", FailNext);
        api.MapPost("/throttle/{count}", Throttle);
        api.MapPost("/outage/on", (IFaultStateStore state, ILogger<IFaultStateStore> logger, CancellationToken ct) => SetOutage(state, logger, on: true, ct));
        api.MapPost("/outage/off", (IFaultStateStore state, ILogger<IFaultStateStore> logger, CancellationToken ct) => SetOutage(state, logger, on: false, ct));
        api.MapPost("/reset", Reset);

        return app;
    }

    public static async Task<Ok<FaultsResponse>> GetFaults(IFaultStateStore state, LastValidOptions<FaultOptions> profile, CancellationToken ct) =>
        TypedResults.Ok(new FaultsResponse(await state.SnapshotAsync(ct), profile.Current));

    public static Task<Results<Ok<FaultStateSnapshot>, ValidationProblem>> FailNext(
        string count, string? status, string? retryAfterSeconds, IFaultStateStore state, ILogger<IFaultStateStore> logger, CancellationToken ct) =>
        Apply(errors => FailNextCommand.Parse(count, status, FaultLimits.DefaultFailureStatusCode, retryAfterSeconds, 0, errors), state, logger, "fail-next", ct);

    public static Task<Results<Ok<FaultStateSnapshot>, ValidationProblem>> Throttle(
        string count, string? retryAfterSeconds, IFaultStateStore state, ILogger<IFaultStateStore> logger, CancellationToken ct) =>
        Apply(errors => FailNextCommand.Parse(count, null, StatusCodes.Status429TooManyRequests, retryAfterSeconds, 1, errors), state, logger, "throttle", ct);

    public static async Task<Ok<FaultStateSnapshot>> SetOutage(IFaultStateStore state, ILogger<IFaultStateStore> logger, bool on, CancellationToken ct) =>
        Applied(await state.SetOutageAsync(on, ct), logger, on ? "outage on" : "outage off");

    public static async Task<Ok<FaultStateSnapshot>> Reset(IFaultStateStore state, ILogger<IFaultStateStore> logger, CancellationToken ct) =>
        Applied(await state.ResetAsync(ct), logger, "reset");

    private static async Task<Results<Ok<FaultStateSnapshot>, ValidationProblem>> Apply(
        Func<Dictionary<string, string[]>, FailNextCommand?> parse, IFaultStateStore state, ILogger logger, string action, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (parse(errors) is not { } command)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid fault command");
        }

        return Applied(await state.FailNextAsync(command.Count, command.Status, command.RetryAfterSeconds, ct), logger, action);
    }

    private static Ok<FaultStateSnapshot> Applied(FaultStateSnapshot snapshot, ILogger logger, string action)
    {
        FaultControlLog.ControlApplied(logger, action, snapshot);
        return TypedResults.Ok(snapshot);
    }

    private static async ValueTask<object?> RequireFaultControl(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var gate = context.RequestServices.GetRequiredService<FaultControlGate>();
        return gate.Check(context, $"{context.Request.Method} {context.Request.Path}") ?? await next(invocation);
    }
}
