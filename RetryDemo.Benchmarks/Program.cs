using BenchmarkDotNet.Running;
using RetryDemo.Benchmarks;
using RetryDemo.Benchmarks.TimeToSuccess;

// `time-to-success [requests]` runs the loopback experiment; anything else goes to BenchmarkDotNet.
return args is ["time-to-success", ..]
    ? await TimeToSuccessExperiment.RunAsync(args)
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(PipelineOverheadBenchmarks).Assembly).Run(args);
    return 0;
}
