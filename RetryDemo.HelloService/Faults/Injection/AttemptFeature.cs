using RetryDemo.HelloService.Faults.Profile;

namespace RetryDemo.HelloService.Faults.Injection;

/// <summary>Carries what the fault filter decided (attempt number, this request's fault settings) to the endpoint.</summary>
public sealed class AttemptFeature
{
    public int? Attempt { get; init; }

    public required FaultOptions Options { get; init; }

    public static int? Get(HttpContext context) => context.Features.Get<AttemptFeature>()?.Attempt;
}
