#!/usr/bin/env bash
# Keyed writes through the store in slices, and what the store wrote to its checkpoints in each: wrk -t2
# -c$CONNECTIONS (64 unless set) of keyed writes straight at HelloService for [slices] slices of 20 s, each
# printing its rate, p99, the statuses of its non-2xx answers (keyed-writes-statuses.lua), the reasons
# HelloService logged for its 503s, and the checkpoint files the store wrote meanwhile (a full checkpoint
# writes the hash index, index-checkpoints/…/ht.dat, beside the snapshot), and, when redis-cli is installed,
# the slowest of three probes sent straight to the store meanwhile, each in a loop of its own (one every
# 100 ms after the last answered, so one stalled probe never holds back another): COMMITAOF (what
# HelloService's durability wait sends), a script of no keys, and a script of one key (a transaction in
# --lua-transaction-mode, as HelloService's scripts are). Each is timed around a redis-cli process (a few ms
# of its own); one that fails or takes 10 s is counted as failed, and one still waiting when the slice ends
# counts with its wait so far. The probes cost CPU of their own (about 30 processes a second).
# STORE_ENV='VAR=value …' starts the store with those variables (say, DOTNET_ThreadPool_ForceMinWorkerThreads=20).
# Before the first slice it prints the checkpoint files the store wrote as it started: its first checkpoint, a
# full one, taken idle (GarnetFirstCheckpoint).
#   [CONNECTIONS=n] [STORE_ENV=…] bash RetryDemo.Benchmarks/StoreCost/write-stalls.sh [slices]
set -euo pipefail
cd "$(dirname "$0")/../.."
slices=${1:-3}
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
store=$(start_store "$store_port" "$store_http" ${STORE_ENV:-}); pids+=("$store") # STORE_ENV: VAR=value… for the store
wait_healthy "http://127.0.0.1:$store_http"
hello=$(START_LOG=$work/hello.log start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
checkpoints=$work/store-$store_port/checkpoints
echo "checkpoint files at the start: $(find "$checkpoints" -type f \( -name 'ht.dat*' -o -name 'snapshot.dat.0' \) -printf "%P " 2>/dev/null)"
# probe <name> <file> <redis-cli arguments…>: until killed, appends '<name> <ms>', or '<name> failed', every 100 ms.
probe() {
  local name=$1 file=$2 started reply; shift 2
  while true; do
    started=$(date +%s%N); echo "$started" > "$file.$name" # in flight, for stop_probes
    if reply=$(timeout 10 redis-cli -p "$store_port" "$@" 2>&1) && [[ $reply != *ERR* ]]; then
      echo "$name $(( ($(date +%s%N) - started) / 1000000 ))" >> "$file"
    else
      echo "$name failed" >> "$file"
    fi
    : > "$file.$name"
    sleep 0.1
  done
}
probers=()
# stop_probes <file>: stops the probes, counting each one still waiting with its wait so far.
stop_probes() {
  local p marker started keep=() now
  for p in "${probers[@]}"; do kill "$p" 2>/dev/null || true; pkill -P "$p" 2>/dev/null || true; done
  for p in "${probers[@]}"; do wait "$p" 2>/dev/null || true; done
  now=$(date +%s%N)
  for marker in "$1".*; do # one per probe, written by probe
    started=$(cat "$marker" 2>/dev/null || true)
    [[ -n $started ]] && echo "${marker##*.} $(( (now - started) / 1000000 ))" >> "$1"
  done
  for p in "${pids[@]}"; do [[ " ${probers[*]} " == *" $p "* ]] || keep+=("$p"); done
  pids=("${keep[@]}"); probers=()
}
for slice in $(seq "$slices"); do
  touch "$work/from"; logged=$(wc -l < "$work/hello.log")
  echo "== slice $slice, from $(date +%T)"
  probes=$work/probe-$slice; : > "$probes"
  if command -v redis-cli >/dev/null; then
    probe COMMITAOF "$probes" COMMITAOF & probers+=($!)
    probe EVAL "$probes" EVAL 'return 1' 0 & probers+=($!)
    probe keyed-EVAL "$probes" EVAL "return redis.call('INCR', KEYS[1])" 1 write-stalls:probe & probers+=($!)
    pids+=("${probers[@]}")
  fi
  wrk -t2 -c"${CONNECTIONS:-64}" -d20s --latency -s RetryDemo.Benchmarks/StoreCost/keyed-writes-statuses.lua \
    "http://127.0.0.1:$hello_port/greetings" -- "slice$slice-$RANDOM" | grep -E "Requests/sec| 99%|statuses" || true
  tail -n +"$((logged + 1))" "$work/hello.log" | grep -o "could not answer [A-Z]* [^ ]* ([A-Za-z]*)" | sort | uniq -c || true
  if (( ${#probers[@]} )); then
    stop_probes "$probes"
    awk '$2 == "failed" { failed[$1]++; next } { if ($2 > most[$1]) most[$1] = $2; n[$1]++ }
      END { printf "slowest probe:"; split("COMMITAOF EVAL keyed-EVAL", names, " ")
            for (i = 1; i <= 3; i++) printf " %s %d ms (%d probes, %d failed)%s", names[i], most[names[i]], n[names[i]], failed[names[i]], i < 3 ? "," : "\n" }' "$probes"
  fi
  find "$checkpoints" -type f -newer "$work/from" -printf "%TT %P\n" 2>/dev/null | grep -E "ht\.dat|snapshot\.dat\.0|log-commits" | sort | cut -c1-8,20- || true
done
