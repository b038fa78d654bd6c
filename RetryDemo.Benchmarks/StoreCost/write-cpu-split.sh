#!/usr/bin/env bash
# Where a keyed write's CPU goes, by process, in process and with the store side by side in one run: wrk
# (-t2 -c16) straight at HelloService, 5 s of warm-up, then HelloService's, the store's and wrk's own CPU
# from /proc over 10 s, per write, with the p50 / p99, for [rounds] alternating rounds (measure_writes, processes.sh). Then the store's floor: its CPU per command
# for the cheapest writes there are (a SET, a script of one SET, a script of five writes) from redis-benchmark
# at the same 16 connections, to compare a keyed write's store cost with.
# PIN=1 gives the store a core of its own, as it has deployed: the store on CPU 1; both HelloServices and wrk on
# CPU 0, so the in-process side has that one core too.
#   [PIN=1] bash RetryDemo.Benchmarks/StoreCost/write-cpu-split.sh [rounds]
# Needs wrk and redis-benchmark (Debian: apt-get install wrk redis-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_port=$(free_port); store_http=$(free_port); local_port=$(free_port); shared_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$local_port"); pids+=("$local_pid")
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$shared_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$shared_pid")
wait_healthy "http://127.0.0.1:$local_port"; wait_healthy "http://127.0.0.1:$shared_port"
if [[ -n ${PIN:-} ]]; then
  (( $(nproc) >= 2 )) || { echo "PIN=1 needs two CPUs" >&2; exit 1; }
  taskset -a -pc 1 "$store" >/dev/null; taskset -a -pc 0 "$local_pid" >/dev/null; taskset -a -pc 0 "$shared_pid" >/dev/null
  run_wrk=(taskset -c 0 wrk)
  echo "pinned: the store on CPU 1; HelloService and wrk on CPU 0"
fi

for _ in $(seq "$rounds"); do measure_writes in-process "$local_port" "$local_pid" "$store"; measure_writes store "$shared_port" "$shared_pid" "$store"; done

floor() { # label, redis-benchmark's command
  local label=$1 before after out; shift
  before=$(cpu "$store")
  out=$(redis-benchmark -p "$store_port" -c 16 -n 200000 -r 10000000 -q "$@" 2>&1 | tr '\r' '\n' | grep "requests per second" | tail -1)
  after=$(cpu "$store")
  echo "$out" | awk -v l="$label" -v t=$((after - before)) -v hz="$hz" '{ for (i = 1; i <= NF; i++) if ($i == "requests") r = $(i - 1)
    printf "store floor, %-22s %6.0f commands/s; store CPU %3.0f µs a command\n", l ":", r, t * 1e6 / hz / 200000 }'
}
floor "SET" set "k:__rand_int__" x
floor "script of one SET" eval "return redis.call('SET', KEYS[1], ARGV[1])" 1 "k:__rand_int__" x
floor "script of five writes" eval "redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], ARGV[1]); redis.call('SET', KEYS[3], ARGV[1]); redis.call('SET', KEYS[4], ARGV[1]); return redis.call('SET', KEYS[5], ARGV[1])" \
  5 n "a:__rand_int__" "b:__rand_int__" "c:__rand_int__" "d:__rand_int__" x
