#!/usr/bin/env bash
# Reproduces every measurement in docs/benchmarks.md, from the repository root.
#   bash RetryDemo.Benchmarks/run.sh           full run (about an hour)
#   bash RetryDemo.Benchmarks/run.sh --smoke   CI: each experiment once, tiny sizes, no timing claims
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true

dotnet tool restore   # dotnet-trace, for the loopback profile
dotnet build -c Release RetryDemo.HelloService
dotnet build -c Release RetryDemo.Store
dotnet build -c Release RetryDemo.Benchmarks
dotnet build -c Release RetryDemo.Benchmarks.LoopbackClient
run() { dotnet run -c Release --project RetryDemo.Benchmarks --no-build -- "$@"; }

# The outage experiment's "before" row: ClientService as it shipped before the breaker and retry budget
# were reworked (issue 14), built from that commit in a worktree under artifacts/ (git ignores it).
baseline_commit=b4fdcb2
baseline=artifacts/baseline-$baseline_commit
prepare_baseline() {
  [ -d "$baseline" ] || git worktree add --detach "$baseline" "$baseline_commit"
  dotnet build -c Release "$baseline/RetryDemo.ClientService"
}

if $smoke; then
  run --filter '*PipelineOverhead*' --job dry --inProcess
  run paired --smoke
  run allocations 2000
  run time-to-success 20
  run retry-storm 20
  run loopback --smoke --profile
  run outage --smoke
  run half-failing --smoke
  run hedging --smoke
  bash RetryDemo.Benchmarks/StoreCost/store-cost.sh 1 2
  bash RetryDemo.Benchmarks/StoreCost/replay-horizon.sh 2000 2
else
  run --filter '*PipelineOverhead*' --launchCount 1 --warmupCount 3 --iterationCount 15
  run paired
  run allocations
  run time-to-success 200
  run retry-storm 200
  run loopback --profile
  prepare_baseline
  run outage --baseline "$baseline"
  run half-failing
  run hedging
  bash RetryDemo.Benchmarks/StoreCost/store-cost.sh 8 10
  bash RetryDemo.Benchmarks/StoreCost/replay-horizon.sh 5300000 30 5300000
  run store-outage
fi
