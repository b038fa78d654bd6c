using Microsoft.AspNetCore.Http.HttpResults;
using RetryDemo.Contracts;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults;

/// <summary>Operator actions on service-wide fault state (the dashboard's command buttons call these).</summary>
public static class FaultsApi
{
    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/faults")
            .AddEndpointFilter(RequireFaultControl)
            .WithMetadata(RequiresFaultControlKey.Instance)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithTags("Faults");

        api.MapGet("/", GetFaults);
        api.MapPost("/fail-next/{count}", FailNext);
        api.MapPost("/throttle/{count}", Throttle);
        api.MapPost("/outage/on", (FaultState state, ILogger<FaultState> logger) => SetOutage(state, logger, on: true));
        api.MapPost("/outage/off", (FaultState state, ILogger<FaultState> logger) => SetOutage(state, logger, on: false));
        api.MapPost("/reset", Reset);

        return app;
    }

    public static Ok<FaultsResponse> GetFaults(FaultState state, FaultProfile profile) =>
        TypedResults.Ok(new FaultsResponse(state.Snapshot(), profile.Current));

    public static Results<Ok<FaultStateSnapshot>, ValidationProblem> FailNext(
        int count, int? status, int? retryAfterSeconds, FaultState state, ILogger<FaultState> logger) =>
        Apply(new FailNextCommand(count, status ?? FaultLimits.DefaultFailureStatusCode, retryAfterSeconds ?? 0), state, logger, "fail-next");

    public static Results<Ok<FaultStateSnapshot>, ValidationProblem> Throttle(
        int count, int? retryAfterSeconds, FaultState state, ILogger<FaultState> logger) =>
        Apply(new FailNextCommand(count, StatusCodes.Status429TooManyRequests, retryAfterSeconds ?? 1), state, logger, "throttle");

    public static Ok<FaultStateSnapshot> SetOutage(FaultState state, ILogger<FaultState> logger, bool on)
    {
        state.Outage = on;
        return Applied(state, logger, on ? "outage on" : "outage off");
    }

    public static Ok<FaultStateSnapshot> Reset(FaultState state, ILogger<FaultState> logger)
    {
        state.Reset();
        return Applied(state, logger, "reset");
    }

    private static Results<Ok<FaultStateSnapshot>, ValidationProblem> Apply(
        FailNextCommand command, FaultState state, ILogger logger, string action)
    {
        var errors = DataAnnotationErrors.Of(command);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid fault command");
        }

        state.FailNext(command.Count, command.Status, command.RetryAfterSeconds);
        return Applied(state, logger, action);
    }

    private static Ok<FaultStateSnapshot> Applied(FaultState state, ILogger logger, string action)
    {
        var snapshot = state.Snapshot();
        FaultLog.ControlApplied(logger, action, snapshot);
        return TypedResults.Ok(snapshot);
    }

    private static async ValueTask<object?> RequireFaultControl(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var gate = context.RequestServices.GetRequiredService<FaultControlGate>();
        return gate.Check(context, $"{context.Request.Method} {context.Request.Path}") ?? await next(invocation);
    }
}
