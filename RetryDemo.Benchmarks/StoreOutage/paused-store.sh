#!/usr/bin/env bash
# The store paused (SIGSTOP) for 8 s of a 14 s `wrk -t2 -c30` on plain GET /hello straight at HelloService,
# several runs with fresh processes (Release, Production logging, the store with a password): per run, the
# statuses wrk saw and, in HelloService's log, unhandled exceptions and stack-trace lines. The 500s this
# looks for come from a race in the store client, so one run proves little either way.
#   bash RetryDemo.Benchmarks/StoreOutage/paused-store.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-6}
source RetryDemo.Benchmarks/StoreCost/processes.sh

cat > "$work/status.lua" <<'LUA'
-- Counts every status: each thread its own table, added up in done().
local threads = {}
function setup(thread) table.insert(threads, thread) end
counts = {}
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts")) do total[s] = (total[s] or 0) + n end
  end
  local line = ""
  for s, n in pairs(total) do line = line .. string.format("%d × %d  ", n, s) end
  io.write(line .. "\n")
end
LUA

for run in $(seq "$runs"); do
  store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
  password="paused-$RANDOM$RANDOM"
  store=$(start_store "$store_port" "$store_http" Store__Password="$password"); pids+=("$store")
  wait_healthy "http://127.0.0.1:$store_http"
  hello=$(START_LOG="$work/hello-$run.log" start RetryDemo.HelloService RetryDemo.HelloService.dll \
    ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port,password=$password"); pids+=("$hello")
  wait_healthy "http://127.0.0.1:$hello_port"
  wrk -t2 -c30 -d14s -s "$work/status.lua" "http://127.0.0.1:$hello_port/hello" > "$work/wrk-$run.txt" &
  load=$!
  sleep 3; kill -STOP "$store"; sleep 8; kill -CONT "$store"
  wait "$load"
  printf "run %d: %s unhandled exceptions %d, stack-trace lines %d\n" "$run" "$(tail -1 "$work/wrk-$run.txt")" \
    "$(grep -c 'unhandled exception' "$work/hello-$run.log" || true)" "$(grep -c '^ *at ' "$work/hello-$run.log" || true)"
  kill "$hello" "$store"; wait "$hello" "$store" 2>/dev/null || true
done
