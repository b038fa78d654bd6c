namespace RetryDemo.ClientService.Resilience;

/// <summary>
/// A request to HelloService that carries its logical call's <see cref="AttemptLog"/>. The standard
/// handler sends this same message on every attempt (only hedging clones it), so each attempt finds the
/// log by a type check rather than a lookup in the request's Options, which every call through the
/// pipeline would pay (measured in docs/benchmarks.md). A hedged call's log also rides in Options, which the
/// hedging handler's clones copy.
/// </summary>
public sealed class AttemptLoggedRequest : HttpRequestMessage
{
    public AttemptLoggedRequest(HttpMethod method, string requestUri, AttemptLog log) : base(method, requestUri)
    {
        Log = log;
        if (log.Hedged)
        {
            Options.Set(AttemptLog.OptionKey, log);
        }
    }

    public AttemptLog Log { get; }
}
