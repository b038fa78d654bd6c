namespace RetryDemo.ClientService.HelloServiceClient;

/// <summary>What <see cref="CommitLookup"/> learned: committed (with the greeting), not committed, held for another greeting, or unknown.</summary>
public sealed record CommitCheck(GreetingReply? Greeting, bool Known, bool KeyReused = false)
{
    public static readonly CommitCheck NotCommitted = new(null, true);
    public static readonly CommitCheck HeldForAnotherGreeting = new(null, true, KeyReused: true);
    public static readonly CommitCheck Unknown = new(null, false);

    /// <summary>When to try again with the same key after an unknown outcome: soon, the store or HelloService is usually back.</summary>
    public static readonly TimeSpan OutcomeUnknownRetryAfter = TimeSpan.FromSeconds(1);

    public static CommitCheck Found(GreetingReply greeting) => new(greeting, true);

    /// <summary>
    /// Whether a failed call must be checked. The last attempt does not speak for the others: a 400 after a
    /// timeout may follow a commit whose reply was lost. So the check runs whenever any attempt could have
    /// written, whatever the last said; never for a call shed before its first attempt.
    /// </summary>
    public static bool IsNeededFor<T>(HelloCallResult<T> result) where T : class =>
        result.Failure is not null and not HelloFailure.RateLimited && result.Report.Attempts.Any(MayHaveWritten);

    /// <summary>The call's result in the light of this check: created after all, refused for another name, or of unknown outcome.</summary>
    public HelloCallResult<T> Settle<T>(HelloCallResult<T> result) where T : class => this switch
    {
        { Greeting: T committed } => HelloCallResult<T>.Success(committed, result.Report with { Reconciled = true }),
        { KeyReused: true } => result with { Failure = HelloFailure.Rejected, LastStatusCode = StatusCodes.Status422UnprocessableEntity, RetryAfter = null },
        { Known: false } => result with
        {
            Failure = HelloFailure.OutcomeUnknown,
            RetryAfter = result.RetryAfter > OutcomeUnknownRetryAfter ? result.RetryAfter : OutcomeUnknownRetryAfter,
        },
        _ => result,
    };

    /// <summary>
    /// An attempt that may have committed: no answer (cut by a timeout, a connection lost mid-request), a 5xx
    /// (the failure may have come after the commit), or a 409 (an earlier attempt with the key was still in
    /// progress, and may yet commit). Any other 4xx was refused before the write.
    /// </summary>
    private static bool MayHaveWritten(Resilience.AttemptRecord attempt) => attempt.StatusCode is null or >= 500 or StatusCodes.Status409Conflict;
}
