#!/usr/bin/env bash
# Where a keyed write's CPU goes in HelloService with the store: keyed writes straight at it (wrk -t2 -c16,
# 10 s warm-up), its CPU and the store's from /proc over 10 s, then a dotnet-trace sample of HelloService for 10 s under the same
# load, summed by assembly, and one of the store (Garnet's own code beside the Lua engine's, which runs the scripts).
# CHECKOUT=<dir> profiles another checkout's HelloService and store (say, a worktree of an older commit).
#   [CHECKOUT=dir] bash RetryDemo.Benchmarks/StoreCost/profile-keyed-writes.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
dotnet build -c Release RetryDemo.Benchmarks >/dev/null
cd "${CHECKOUT:-$repo}"
source "$repo/RetryDemo.Benchmarks/StoreCost/processes.sh"
store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
wrk -t2 -c16 -d10s -s "$repo/RetryDemo.Benchmarks/StoreCost/keyed-writes.lua" "http://127.0.0.1:$hello_port/greetings" -- warm >/dev/null
wrk -t2 -c16 -d45s -s "$repo/RetryDemo.Benchmarks/StoreCost/keyed-writes.lua" "http://127.0.0.1:$hello_port/greetings" -- load > "$work/wrk.txt" &
load=$!
sleep 3
before=$(cpu "$hello"); store_before=$(cpu "$store"); sleep 10; after=$(cpu "$hello"); store_after=$(cpu "$store")
# The sampler's total can exceed the process's CPU: it counts some waits of the store client's own threads.
(cd "$repo" && dotnet RetryDemo.Benchmarks/bin/Release/net10.0/RetryDemo.Benchmarks.dll profile "$hello" 10)
echo "== the store"
(cd "$repo" && dotnet RetryDemo.Benchmarks/bin/Release/net10.0/RetryDemo.Benchmarks.dll profile "$store" 10)
wait "$load"
rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
per_write() { echo "$1 $2 $rate" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($1 - $2) / hz * 1e6 / ($3 * 10)}'; }
echo "HelloService: $rate keyed writes/s; its CPU over 10 s (from /proc): $(( (after - before) * 1000 / $(getconf CLK_TCK) )) ms, about $(per_write "$after" "$before") µs a write; the store's: $(( (store_after - store_before) * 1000 / $(getconf CLK_TCK) )) ms, about $(per_write "$store_after" "$store_before") µs a write"
