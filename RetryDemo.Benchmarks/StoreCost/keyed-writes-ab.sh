#!/usr/bin/env bash
# Keyed writes of two checkouts side by side in one run, with the in-process rate beside them: each checkout's
# HelloService on a store of its own build, rounds alternating in process / A / B (wrk -t2 -c16 straight at
# HelloService, 5 s of warm-up, then each process's CPU from /proc over 10 s, per write). Build each checkout
# first (dotnet build -c Release RetryDemo.sln in it). The first round of each is cold: compare the rounds after.
#   bash RetryDemo.Benchmarks/StoreCost/keyed-writes-ab.sh <checkout A> <checkout B> [rounds]
# For example, this repository against a worktree with experiments/commit-batches.patch applied:
#   git worktree add /tmp/batches 7cce331 && git -C /tmp/batches apply "$PWD/RetryDemo.Benchmarks/StoreCost/experiments/commit-batches.patch"
#   (cd /tmp/batches && dotnet build -c Release RetryDemo.sln) && bash RetryDemo.Benchmarks/StoreCost/keyed-writes-ab.sh . /tmp/batches 5
set -euo pipefail
(( $# >= 2 )) || { echo "usage: keyed-writes-ab.sh <checkout A> <checkout B> [rounds]" >&2; exit 2; }
a=$(realpath "$1"); b=$(realpath "$2"); rounds=${3:-3} # before the cd: relative to where it was run
cd "$(dirname "$0")/../.."
source RetryDemo.Benchmarks/StoreCost/processes.sh
logs=${LOGS:-$work} # each process's console (LOGS=dir keeps them)
mkdir -p "$logs"
store_a_port=$(free_port); store_a_http=$(free_port); store_b_port=$(free_port); store_b_http=$(free_port)
local_port=$(free_port); a_port=$(free_port); b_port=$(free_port)
store_a=$(START_LOG=$logs/store-a.log start "$a/RetryDemo.Store" RetryDemo.Store.dll Store__Port="$store_a_port" Store__DataDirectory="$work/store-a" ASPNETCORE_URLS="http://127.0.0.1:$store_a_http"); pids+=("$store_a")
store_b=$(START_LOG=$logs/store-b.log start "$b/RetryDemo.Store" RetryDemo.Store.dll Store__Port="$store_b_port" Store__DataDirectory="$work/store-b" ASPNETCORE_URLS="http://127.0.0.1:$store_b_http"); pids+=("$store_b")
wait_healthy "http://127.0.0.1:$store_a_http"; wait_healthy "http://127.0.0.1:$store_b_http"
local_pid=$(START_LOG=$logs/in-process.log start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$local_port"); pids+=("$local_pid")
a_pid=$(START_LOG=$logs/a.log start "$a/RetryDemo.HelloService" RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$a_port" ConnectionStrings__store="127.0.0.1:$store_a_port"); pids+=("$a_pid")
b_pid=$(START_LOG=$logs/b.log start "$b/RetryDemo.HelloService" RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$b_port" ConnectionStrings__store="127.0.0.1:$store_b_port"); pids+=("$b_pid")
wait_healthy "http://127.0.0.1:$local_port"; wait_healthy "http://127.0.0.1:$a_port"; wait_healthy "http://127.0.0.1:$b_port"

for _ in $(seq "$rounds"); do
  measure_writes in-process "$local_port" "$local_pid"
  measure_writes a "$a_port" "$a_pid" "$store_a"
  measure_writes b "$b_port" "$b_pid" "$store_b"
done
