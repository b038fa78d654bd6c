using System.Globalization;
using RetryDemo.Contracts.Faults;

namespace RetryDemo.HelloService.Faults.Control;

/// <summary>The operator's "fail the next N requests" (and "throttle"): what to answer, and how many times.</summary>
public sealed record FailNextCommand(int Count, int Status, int RetryAfterSeconds)
{
    /// <summary>
    /// Reads the command from raw route and query values, so nothing is bound (and no binding error
    /// answered) before the fault-control gate has run: with fault controls off the endpoints are a 404.
    /// </summary>
    public static FailNextCommand? Parse(string count, string? status, int defaultStatus, string? retryAfterSeconds, int defaultRetryAfter, Dictionary<string, string[]> errors)
    {
        var parsedCount = Whole(count, "count", 1, FaultLimits.MaxFailNextRequests, errors);
        var parsedStatus = status is null ? defaultStatus : Whole(status, "status", 0, int.MaxValue, errors);
        if (parsedStatus is { } s && !FaultLimits.FailureStatuses.Contains(s))
        {
            errors["status"] = [$"status must be one of {string.Join(", ", FaultLimits.FailureStatuses)}."];
        }

        var parsedRetryAfter = retryAfterSeconds is null ? defaultRetryAfter : Whole(retryAfterSeconds, "retryAfterSeconds", 0, FaultLimits.MaxRetryAfterSeconds, errors);
        if (parsedRetryAfter > 0 && parsedStatus is { } st && !FaultLimits.AllowsRetryAfter(st) && !errors.ContainsKey("status"))
        {
            errors["retryAfterSeconds"] = [FaultLimits.RetryAfterNotAllowed("retryAfterSeconds", st)];
        }

        return errors.Count == 0 ? new FailNextCommand(parsedCount!.Value, parsedStatus!.Value, parsedRetryAfter!.Value) : null;
    }

    private static int? Whole(string raw, string field, int min, int max, Dictionary<string, string[]> errors)
    {
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[field] = [max == int.MaxValue ? $"{field} must be a whole number." : $"{field} must be a whole number from {min} to {max}."];
        return null;
    }
}
