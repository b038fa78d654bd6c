#!/usr/bin/env bash
# Where a listing's CPU goes with the store: 10 s of keyed writes to fill it, then GET /greetings (a page of
# 100) under wrk -t2 -c16 for 10 s, with HelloService's and the store's CPU from /proc over that window.
# A replica answers its last page again while nothing was written (the listing's version is unchanged), so
# the listing is measured twice: at rest, and with one connection of keyed writes going on beside it, which
# changes the page between almost every two listings (the writes' CPU is then in the figures too).
#   bash RetryDemo.Benchmarks/StoreCost/listing-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
wrk -t2 -c16 -d10s -s RetryDemo.Benchmarks/StoreCost/keyed-writes.lua "http://127.0.0.1:$hello_port/greetings" -- fill >/dev/null
wrk -t2 -c16 -d5s "http://127.0.0.1:$hello_port/greetings" >/dev/null
measure() { # label, then the listing's figures over 10 s
  local h0 s0 h1 s1 out
  h0=$(cpu "$hello"); s0=$(cpu "$store")
  out=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$hello_port/greetings")
  h1=$(cpu "$hello"); s1=$(cpu "$store")
  echo "$1: $(echo "$out" | awk '/Requests\/sec/ {print $2}') listings/s; CPU over the 10 s, in clock ticks ($(getconf CLK_TCK)/s): HelloService $((h1-h0)), store $((s1-s0))"
}
measure "at rest"
wrk -t1 -c1 -d12s -s RetryDemo.Benchmarks/StoreCost/keyed-writes.lua "http://127.0.0.1:$hello_port/greetings" -- beside >"$work/writes" &
writer=$!
measure "beside one connection of writes"
wait "$writer"
echo "the writes beside it: $(awk '/Requests\/sec/ {print $2}' "$work/writes") /s"
