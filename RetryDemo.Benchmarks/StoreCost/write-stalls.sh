#!/usr/bin/env bash
# Keyed writes through the store in slices, and what the store wrote to its checkpoints in each: wrk -t2
# -c$CONNECTIONS (64 unless set) of keyed writes straight at HelloService for [slices] slices of 20 s, each
# printing its rate, p99, the statuses of its non-2xx answers (keyed-writes-statuses.lua), the reasons
# HelloService logged for its 503s, and the checkpoint files the store wrote meanwhile (a full checkpoint
# writes the hash index, index-checkpoints/…/ht.dat, beside the snapshot), and, when redis-cli is installed,
# the slowest of the probes sent straight to the store every 100 ms meanwhile: COMMITAOF (what HelloService's
# durability wait sends) and a script of no keys (EVAL 'return 1' 0), each timed around a redis-cli process
# (a few ms of its own), so a stall shows which of the two waited.
#   [CONNECTIONS=n] bash RetryDemo.Benchmarks/StoreCost/write-stalls.sh [slices]
set -euo pipefail
cd "$(dirname "$0")/../.."
slices=${1:-3}
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
hello=$(START_LOG=$work/hello.log start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
checkpoints=$work/store-$store_port/checkpoints
# probe <file>: until killed, appends '<command> <ms>' for a COMMITAOF and a script of no keys every 100 ms.
probe() {
  local command started
  while true; do
    for command in COMMITAOF EVAL; do
      started=$(date +%s%N)
      if [[ $command == EVAL ]]; then redis-cli -p "$store_port" EVAL 'return 1' 0 >/dev/null 2>&1 || true
      else redis-cli -p "$store_port" COMMITAOF >/dev/null 2>&1 || true; fi
      echo "$command $(( ($(date +%s%N) - started) / 1000000 ))" >> "$1"
    done
    sleep 0.1
  done
}
for slice in $(seq "$slices"); do
  touch "$work/from"; logged=$(wc -l < "$work/hello.log")
  echo "== slice $slice, from $(date +%T)"
  prober=''; if command -v redis-cli >/dev/null; then probe "$work/probe-$slice" & prober=$!; pids+=("$prober"); fi
  wrk -t2 -c"${CONNECTIONS:-64}" -d20s --latency -s RetryDemo.Benchmarks/StoreCost/keyed-writes-statuses.lua \
    "http://127.0.0.1:$hello_port/greetings" -- "slice$slice-$RANDOM" | grep -E "Requests/sec| 99%|statuses" || true
  tail -n +"$((logged + 1))" "$work/hello.log" | grep -o "could not answer [A-Z]* [^ ]* ([A-Za-z]*)" | sort | uniq -c || true
  if [[ -n $prober ]]; then
    kill "$prober"; wait "$prober" 2>/dev/null || true
    awk '{ if ($2 > most[$1]) most[$1] = $2; n[$1]++ } END { printf "slowest probe: COMMITAOF %d ms, EVAL %d ms (%d and %d probes)\n", most["COMMITAOF"], most["EVAL"], n["COMMITAOF"], n["EVAL"] }' "$work/probe-$slice"
  fi
  find "$checkpoints" -type f -newer "$work/from" -printf "%TT %P\n" 2>/dev/null | grep -E "ht\.dat|snapshot\.dat\.0|log-commits" | sort | cut -c1-8,20- || true
done
