#!/usr/bin/env bash
# Where the store's CPU goes under keyed writes, native and kernel time included (dotnet-trace sees managed code
# only): wrk -t2 -c16 straight at HelloService (15 s of warm-up), then `perf record` of the store for 6 s, and
# the share of its samples under each of a few frames (perf's "children": the frame and everything it called).
# Managed frames are named through the runtime's perf map (DOTNET_PerfMapEnabled=3, the map without a jitdump, and W^X off so perf can
# read the JIT's code). CHECKOUT=<dir> runs another checkout's HelloService and store.
#   [CHECKOUT=dir] bash RetryDemo.Benchmarks/StoreCost/perf-keyed-writes.sh
# Needs perf and wrk (Debian: apt-get install linux-perf wrk).
set -euo pipefail
checkout=$(realpath "${CHECKOUT:-$(dirname "$0")/../..}") # before the cd: relative to where it was run
cd "$(dirname "$0")/../.."
repo=$(pwd)
command -v perf >/dev/null || { echo "perf not found (apt-get install linux-perf)" >&2; exit 1; }
cd "$checkout"
source "$repo/RetryDemo.Benchmarks/StoreCost/processes.sh"
store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
# The store only: its perf map (removed at the end) names its managed frames.
store=$(start_store "$store_port" "$store_http" DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
writes=$repo/RetryDemo.Benchmarks/StoreCost/keyed-writes.lua
wrk -t2 -c16 -d15s -s "$writes" "http://127.0.0.1:$hello_port/greetings" -- "warm-$RANDOM" >/dev/null
wrk -t2 -c16 -d12s -s "$writes" "http://127.0.0.1:$hello_port/greetings" -- "load-$RANDOM" > "$work/wrk.txt" &
load=$!; sleep 2
record_perf "$store" "$work/perf.data" 6
wait "$load"
echo "$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") keyed writes/s while sampled; the store's samples under each frame:"
perf report -i "$work/perf.data" --children --sort sym -g none --percent-limit 0 2>/dev/null > "$work/report.txt"
share() { # label, a pattern for the frame's name (its first line: the frame's largest share, its code versions apart)
  awk -v l="$1" -v p="$2" '$0 ~ p && $1 ~ /%$/ { if (!seen++) printf "  %-58s %s\n", l, $1 } END { if (!seen) printf "  %-58s not found\n", l }' "$work/report.txt"
}
share "thread switches (schedule)" "\\] schedule$"
share "thread pool's idle spin (LowLevelLifoSemaphore.Wait)" "LowLevelLifoSemaphore::Wait"
share "sched_yield, from any caller" "\\] __sched_yield$"
share "socket receive handling (Garnet's HandleReceive)" "HandleReceiveWithoutTLS"
share "scripts (LuaRunner.RunForSession)" "LuaRunner::RunForSession"
share "sends (__send)" "\\] __send$"
share "the append-only file's writes (pwrite)" "\\] __libc_pwrite$"
share "epoll_wait" "\\] epoll_wait$"
rm -f "/tmp/perf-$store.map"
