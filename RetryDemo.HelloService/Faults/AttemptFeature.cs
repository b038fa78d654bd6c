namespace RetryDemo.HelloService.Faults;

/// <summary>Carries the attempt number the fault filter counted to the endpoint that answers.</summary>
public sealed class AttemptFeature
{
    public int? Attempt { get; init; }

    public static int? Get(HttpContext context) => context.Features.Get<AttemptFeature>()?.Attempt;
}
