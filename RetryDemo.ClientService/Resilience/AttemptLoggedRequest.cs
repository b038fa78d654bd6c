namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// A request to HelloService that carries its logical call's <see cref="AttemptLog"/>. The standard
/// handler sends this same message on every attempt (only hedging clones it), so each attempt finds the
/// log by a type check; a lookup in the request's Options cost every call through the pipeline ≈ 15 ns
/// (docs/benchmarks.md).
/// </summary>
public sealed class AttemptLoggedRequest(HttpMethod method, string requestUri, AttemptLog log) : HttpRequestMessage(method, requestUri)
{
    public AttemptLog Log { get; } = log;
}
