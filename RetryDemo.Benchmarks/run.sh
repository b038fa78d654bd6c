#!/usr/bin/env bash
# Reproduces every measurement in docs/benchmarks.md, from the repository root.
#   bash RetryDemo.Benchmarks/run.sh           full run (about a quarter of an hour)
#   bash RetryDemo.Benchmarks/run.sh --smoke   CI: each experiment once, tiny sizes, no timing claims
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=false
[ "${1:-}" = "--smoke" ] && smoke=true

dotnet build -c Release RetryDemo.HelloService
dotnet build -c Release RetryDemo.Benchmarks
dotnet build -c Release RetryDemo.Benchmarks.LoopbackClient
run() { dotnet run -c Release --project RetryDemo.Benchmarks --no-build -- "$@"; }

if $smoke; then
  run --filter '*PipelineOverhead*' --job dry --inProcess
  run time-to-success 20
  run retry-storm 20
  run loopback --smoke
  run outage --smoke
else
  run --filter '*PipelineOverhead*' --job short
  run time-to-success 200
  run retry-storm 200
  run loopback
  run outage
fi
