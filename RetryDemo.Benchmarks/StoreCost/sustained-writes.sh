#!/usr/bin/env bash
# Sustained keyed writes straight at HelloService, in process and with the store, one after the other:
# wrk in 15 s slices of POST /greetings, each request with an Idempotency-Key of its own, until the total
# passes the target; each slice prints its rate and the processes' resident memory. Then the listing
# rate (GET /greetings) with the store that full, against a fresh one holding 10 greetings.
#   bash RetryDemo.Benchmarks/StoreCost/sustained-writes.sh [total-writes] [slice-seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
total=${1:-300000}
slice=${2:-15}
source RetryDemo.Benchmarks/StoreCost/processes.sh

run_writes() { # label, url, hello pid, store pid or ""
  local label=$1 url=$2 hello=$3 store=$4 done_writes=0 n=0
  echo "== $label: $total keyed writes in ${slice} s slices"
  while (( done_writes < total )); do
    n=$((n + 1))
    out=$(wrk -t2 -c16 -d"${slice}s" -s RetryDemo.Benchmarks/StoreCost/keyed-writes.lua "$url/greetings" -- "$label$n")
    requests=$(echo "$out" | awk '/requests in/ {print $1}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    done_writes=$((done_writes + requests))
    printf "slice %2d: %7d writes, %6.0f /s, non-2xx %s, HelloService RSS %s MB%s\n" "$n" "$requests" "$(echo "$requests $slice" | awk '{print $1/$2}')" "${non2xx:-0}" "$(rss_mb "$hello")" \
      "$([ -n "$store" ] && echo ", store RSS $(rss_mb "$store") MB")"
  done
  echo "$label: $done_writes writes"
}

list_rate() { wrk -t2 -c16 -d5s "$1/greetings" | awk '/Requests\/sec/ {print $2}'; }

local_port=$(free_port)
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$local_port); pids+=("$local_pid")
wait_healthy http://127.0.0.1:$local_port
run_writes in-process http://127.0.0.1:$local_port "$local_pid" ""
echo "in process, GET /greetings at its fullest: $(list_rate http://127.0.0.1:$local_port) /s"

store_port=$(free_port); store_http=$(free_port); shared_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy http://127.0.0.1:$store_http
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$shared_port ConnectionStrings__store=127.0.0.1:$store_port); pids+=("$shared_pid")
wait_healthy http://127.0.0.1:$shared_port
for i in $(seq 10); do curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"Ada"}' http://127.0.0.1:$shared_port/greetings; done
echo "store, GET /greetings with 10 greetings: $(list_rate http://127.0.0.1:$shared_port) /s"
run_writes store http://127.0.0.1:$shared_port "$shared_pid" "$store"
echo "store, GET /greetings at its fullest: $(list_rate http://127.0.0.1:$shared_port) /s"
