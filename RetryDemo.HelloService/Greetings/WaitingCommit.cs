using System.Diagnostics;

namespace RetryDemo.HelloService.Greetings;

/// <summary>
/// A write waiting in <see cref="CommitBatches"/> for its script, since <paramref name="Since"/> (a
/// <see cref="TimeProvider"/> timestamp), under its caller's trace.
/// </summary>
internal sealed record WaitingCommit(CommitWrite Write, CancellationToken CallerGaveUp, Activity? Activity, long Since, TaskCompletionSource<CommitOutcome> Outcome);
