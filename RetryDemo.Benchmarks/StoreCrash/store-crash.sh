#!/usr/bin/env bash
# The store killed (SIGKILL) under keyed writes straight at HelloService, as fast as 64 connections go: after
# it restarts on the same data folder, every write that was answered 201 is looked up by its key. Repeated
# `runs` times; each prints the writes acknowledged and how many of them the store lost, and (with redis-cli)
# the index's entries against its count.
#   bash RetryDemo.Benchmarks/StoreCrash/store-crash.sh [runs] [seconds-before-kill]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
before=${2:-3}
source RetryDemo.Benchmarks/StoreCost/processes.sh
here=RetryDemo.Benchmarks/StoreCrash
for run in $(seq "$runs"); do
  store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
  store=$(start_store "$store_port" "$store_http"); pids+=("$store")
  wait_healthy "http://127.0.0.1:$store_http"
  hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
  wait_healthy "http://127.0.0.1:$hello_port"
  python3 "$here/acknowledged.py" write "$hello_port" $((before + 3)) "$work/acked-$run.json" &
  writers=$!
  sleep "$before"
  killed=$(date +%s.%N)
  kill -9 "$store"
  wait "$writers"
  store=$(start_store "$store_port" "$store_http"); pids+=("$store")
  wait_healthy "http://127.0.0.1:$store_http"
  # HelloService reconnects on its own; the first lookups may meet it still reconnecting.
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$hello_port/greetings?limit=1" >/dev/null && break; sleep 0.1; done
  echo "run $run: $(python3 "$here/acknowledged.py" check "$hello_port" "$work/acked-$run.json" "$killed")"
  # The index after the crash, when redis-cli is installed: its entries from the first number to the next
  # against its count. A number two writes filed under would leave fewer entries than the count (a script cut
  # by the kill can leave the count one step off).
  if command -v redis-cli >/dev/null; then
    echo "run $run: index entries and count: $(redis-cli -p "$store_port" EVAL "local n = 0
      for i = tonumber(redis.call('GET', 'retrydemo:index:first') or '1'), tonumber(redis.call('GET', 'retrydemo:index:next') or '0') do
        n = n + redis.call('EXISTS', 'retrydemo:index:entry:' .. i)
      end
      return { n, tonumber(redis.call('GET', 'retrydemo:index:greetings') or '0') }" 0 | tr '\n' ' ')"
  fi
  kill "$hello" "$store"
done
