#!/usr/bin/env bash
# Keyed writes of two checkouts or more side by side in one run, with the in-process rate beside them: each
# checkout's HelloService on a store of its own build, labelled a, b, c… in the order given, each round measuring
# in process / a / b / … in turn, from a different start (measure_writes, processes.sh: wrk -t2 -c$CONNECTIONS, 16 unless set, straight at
# HelloService, 5 s of warm-up, then each process's CPU from /proc over 10 s, per write). Build each checkout
# first (dotnet build -c Release RetryDemo.sln in it). The first round of each is cold: compare the rounds after.
# A last argument that is a number is the rounds (3 unless given; a checkout named by a number goes as ./7);
# LOGS=dir keeps each process's console.
#   [CONNECTIONS=n] [LOGS=dir] bash RetryDemo.Benchmarks/StoreCost/keyed-writes-ab.sh <checkout> <checkout> [checkout…] [rounds]
# For example, this repository against a worktree with experiments/commit-batches.patch applied:
#   git worktree add /tmp/batches 7cce331 && git -C /tmp/batches apply "$PWD/RetryDemo.Benchmarks/StoreCost/experiments/commit-batches.patch"
#   (cd /tmp/batches && dotnet build -c Release RetryDemo.sln) && bash RetryDemo.Benchmarks/StoreCost/keyed-writes-ab.sh . /tmp/batches 5
set -euo pipefail
rounds=3
if [[ ${!#} =~ ^[0-9]+$ ]]; then rounds=${!#}; set -- "${@:1:$#-1}"; fi
(( rounds >= 1 )) || { echo "rounds must be at least 1" >&2; exit 2; }
(( $# >= 2 && $# <= 26 )) || { echo "usage: keyed-writes-ab.sh <checkout> <checkout> [checkout…] [rounds]" >&2; exit 2; }
checkouts=(); for c in "$@"; do checkouts+=("$(realpath "$c")"); done # before the cd: relative to where it was run
cd "$(dirname "$0")/../.."
source RetryDemo.Benchmarks/StoreCost/processes.sh
logs=${LOGS:-$work} # each process's console (LOGS=dir keeps them)
mkdir -p "$logs"
labels=(); ports=(); hellos=(); stores=(); letters=abcdefghijklmnopqrstuvwxyz
for i in "${!checkouts[@]}"; do
  label=${letters:i:1}; dir=${checkouts[$i]}
  store_port=$(free_port); store_http=$(free_port)
  store=$(STORE_DIR=$dir/RetryDemo.Store STORE_LOG=$logs/store-$label.log start_store "$store_port" "$store_http"); pids+=("$store")
  wait_healthy "http://127.0.0.1:$store_http"
  port=$(free_port)
  hello=$(START_LOG=$logs/$label.log start "$dir/RetryDemo.HelloService" RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
  wait_healthy "http://127.0.0.1:$port"
  echo "$label: ${checkouts[$i]}"
  labels+=("$label"); ports+=("$port"); hellos+=("$hello"); stores+=("$store")
done
local_port=$(free_port)
local_pid=$(START_LOG=$logs/in-process.log start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$local_port"); pids+=("$local_pid")
wait_healthy "http://127.0.0.1:$local_port"

# Each round starts one later in the order (in process, a, b, …), so no build always follows the same one.
sides=$(( ${#labels[@]} + 1 ))
for round in $(seq "$rounds"); do
  echo "round $round"
  for step in $(seq 0 $((sides - 1))); do
    i=$(( (round - 1 + step) % sides - 1 ))
    if (( i < 0 )); then measure_writes in-process "$local_port" "$local_pid"
    else measure_writes "${labels[$i]}" "${ports[$i]}" "${hellos[$i]}" "${stores[$i]}"; fi
  done
done
