#!/usr/bin/env bash
# HelloService's cost per GET /hello with its state in the store beside its state in process, side by
# side in one run: two HelloService processes (Release, Production logging), one store, wrk driving each
# in alternating rounds. CPU per request comes from /proc (utime + stime of the HelloService process, and
# of the store process for the store variant), latency from wrk.
#   bash RetryDemo.Benchmarks/StoreCost/store-cost.sh [rounds] [seconds-per-round]
# Prints one line per round and the medians; needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-6}
seconds=${2:-10}
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }

dotnet build -c Release RetryDemo.HelloService >/dev/null
dotnet build -c Release RetryDemo.Store >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
data=$(mktemp -d)
store_port=$(free_port); store_http=$(free_port); local_port=$(free_port); shared_port=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

start() { # dir, dll, env... ; echoes the pid
  local dir=$1 dll=$2; shift 2
  (cd "$dir" && exec env -u ASPNETCORE_ENVIRONMENT Logging__LogLevel__Default=Warning "$@" dotnet "bin/Release/net10.0/$dll" >/dev/null 2>&1) &
  echo $!
}
wait_healthy() { for _ in $(seq 200); do curl -sf "$1/health" >/dev/null && return 0; sleep 0.1; done; echo "$1 never became healthy" >&2; exit 1; }

store=$(start RetryDemo.Store RetryDemo.Store.dll Store__Port=$store_port Store__DataDirectory=$data ASPNETCORE_URLS=http://127.0.0.1:$store_http); pids+=("$store")
wait_healthy http://127.0.0.1:$store_http
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$local_port); pids+=("$local_pid")
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$shared_port ConnectionStrings__store=127.0.0.1:$store_port); pids+=("$shared_pid")
wait_healthy http://127.0.0.1:$local_port
wait_healthy http://127.0.0.1:$shared_port

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# One wrk run against a variant: prints "requests µs-cpu-per-request p50-ms p99-ms [store µs per request]".
measure() {
  local port=$1 pid=$2 duration=$3
  local before store_before out after store_after requests
  before=$(ticks "$pid"); store_before=$(ticks "$store")
  out=$(wrk -t2 -c16 -d"${duration}s" --latency "http://127.0.0.1:$port/hello")
  after=$(ticks "$pid"); store_after=$(ticks "$store")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" | grep -q "Non-2xx" && { echo "non-2xx answers:" >&2; echo "$out" >&2; exit 1; }
  local p50 p99
  p50=$(echo "$out" | awk '$1=="50%" {print $2}'); p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  awk -v r="$requests" -v t=$((after - before)) -v s=$((store_after - store_before)) -v hz="$hz" -v p50="$p50" -v p99="$p99" \
    'BEGIN { printf "%d %.1f %s %s %.1f\n", r, t * 1e6 / hz / r, p50, p99, s * 1e6 / hz / r }'
}

echo "warming up"; measure "$local_port" "$local_pid" 3 >/dev/null; measure "$shared_port" "$shared_pid" 3 >/dev/null
printf "%-5s | %-40s | %-48s | %s\n" round "in process: req, CPU µs/req, p50, p99" "store: req, CPU µs/req, p50, p99, store µs/req" "CPU ratio"
ratios=()
for round in $(seq "$rounds"); do
  # Alternate which variant goes first, so neither always runs on a warmer machine.
  if (( round % 2 )); then
    a=$(measure "$local_port" "$local_pid" "$seconds"); b=$(measure "$shared_port" "$shared_pid" "$seconds")
  else
    b=$(measure "$shared_port" "$shared_pid" "$seconds"); a=$(measure "$local_port" "$local_pid" "$seconds")
  fi
  ratio=$(awk -v a="$(echo "$a" | cut -d' ' -f2)" -v b="$(echo "$b" | cut -d' ' -f2)" 'BEGIN { printf "%.2f", b / a }')
  ratios+=("$ratio")
  printf "%-5s | %-40s | %-48s | %s\n" "$round" "$(echo "$a" | cut -d' ' -f1-4)" "$b" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END {printf "store ÷ in process, HelloService CPU per request: median %.2f (range %.2f–%.2f over %d rounds)\n", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[1], v[NR], NR}'
