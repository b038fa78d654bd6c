using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(RetryDemo.Benchmarks.PipelineOverheadBenchmarks).Assembly).Run(args);
