using BenchmarkDotNet.Running;
using RetryDemo.Benchmarks;
using RetryDemo.Benchmarks.Allocations;
using RetryDemo.Benchmarks.BudgetModel;
using RetryDemo.Benchmarks.HalfFailing;
using RetryDemo.Benchmarks.Hedging;
using RetryDemo.Benchmarks.Loopback;
using RetryDemo.Benchmarks.Outage;
using RetryDemo.Benchmarks.Paired;
using RetryDemo.Benchmarks.Profiling;
using RetryDemo.Benchmarks.StoreOutage;
using RetryDemo.Benchmarks.Storm;
using RetryDemo.Benchmarks.TimeToSuccess;

// `store-outage [--checkout DIR] [--no-password]` measures a store outage (kill -9, SIGSTOP, SIGTERM); `profile <pid> [seconds]`
// samples a running process's managed CPU by assembly;
// `budget-model [trials]` simulates the retry budget's random walk; `time-to-success [requests]`, `retry-storm [callers]`, `loopback [--smoke]`, `outage [--smoke]`, `half-failing [--smoke]` and `hedging [calls] [--smoke]`
// run the loopback experiments, `allocations [calls]` the allocation profile, `paired [rounds] [--smoke]` the
// interleaved micro comparison; anything else goes to BenchmarkDotNet.
return args switch
{
    ["time-to-success", ..] => await TimeToSuccessExperiment.RunAsync(args),
    ["retry-storm", ..] => await RetryStormExperiment.RunAsync(args),
    ["loopback", ..] => await LoopbackExperiment.RunAsync(args),
    ["outage", ..] => await OutageExperiment.RunAsync(args),
    ["half-failing", ..] => await HalfFailingExperiment.RunAsync(args),
    ["hedging", ..] => await HedgingExperiment.RunAsync(args),
    ["allocations", ..] => await AllocationProfile.RunAsync(args),
    ["paired", ..] => await PairedOverhead.RunAsync(args),
    ["budget-model", ..] => await RetryBudgetModel.RunAsync(args),
    ["store-outage", ..] => await StoreOutageExperiment.RunAsync(args),
    ["profile", _, ..] => await ProcessProfile.RunAsync(args),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(PipelineOverheadBenchmarks).Assembly).Run(args);
    return 0;
}
