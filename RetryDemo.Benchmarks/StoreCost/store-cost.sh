#!/usr/bin/env bash
# HelloService's cost per GET /hello with its state in the store beside its state in process, side by
# side in one run: three HelloService processes (Release, Production logging) — in process, with the store,
# and with the store but no span per store command — one store, and wrk driving each in rotating rounds. CPU per request comes from /proc (utime + stime of the HelloService process, and
# of the store process for the store variant), latency from wrk.
#   bash RetryDemo.Benchmarks/StoreCost/store-cost.sh [rounds] [seconds-per-round]
# Prints one line per round and the medians; needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-6}
seconds=${2:-10}
source RetryDemo.Benchmarks/StoreCost/processes.sh

store_port=$(free_port); store_http=$(free_port); local_port=$(free_port); shared_port=$(free_port); quiet_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy http://127.0.0.1:$store_http
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$local_port); pids+=("$local_pid")
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$shared_port ConnectionStrings__store=127.0.0.1:$store_port); pids+=("$shared_pid")
# The same, without a span per store command (Aspire's client integration setting).
quiet_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$quiet_port ConnectionStrings__store=127.0.0.1:$store_port \
  Aspire__StackExchange__Redis__DisableTracing=true); pids+=("$quiet_pid")
for port in "$local_port" "$shared_port" "$quiet_port"; do wait_healthy "http://127.0.0.1:$port"; done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
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

echo "warming up"; for v in "$local_port $local_pid" "$shared_port $shared_pid" "$quiet_port $quiet_pid"; do measure $v 3 >/dev/null; done
printf "%-5s | %-34s | %-44s | %-44s | %s\n" round "in process: req, CPU µs/req, p50, p99" "store: req, CPU µs/req, p50, p99, store µs" "store, no command spans: same" "CPU ratios"
ratios=(); quiet_ratios=()
for round in $(seq "$rounds"); do
  # Rotate which variant goes first, so none always runs on a warmer machine.
  order=(local shared quiet); for _ in $(seq $((round % 3))); do order=("${order[@]:1}" "${order[0]}"); done
  for v in "${order[@]}"; do
    case $v in
      local) a=$(measure "$local_port" "$local_pid" "$seconds") ;;
      shared) b=$(measure "$shared_port" "$shared_pid" "$seconds") ;;
      quiet) c=$(measure "$quiet_port" "$quiet_pid" "$seconds") ;;
    esac
  done
  ratio=$(awk -v a="$(echo "$a" | cut -d' ' -f2)" -v b="$(echo "$b" | cut -d' ' -f2)" 'BEGIN { printf "%.2f", b / a }')
  quiet_ratio=$(awk -v a="$(echo "$a" | cut -d' ' -f2)" -v c="$(echo "$c" | cut -d' ' -f2)" 'BEGIN { printf "%.2f", c / a }')
  ratios+=("$ratio"); quiet_ratios+=("$quiet_ratio")
  printf "%-5s | %-34s | %-44s | %-44s | %s, %s\n" "$round" "$(echo "$a" | cut -d' ' -f1-4)" "$b" "$c" "$ratio" "$quiet_ratio"
done
median() { sort -n | awk '{v[NR]=$1} END {printf "median %.2f (range %.2f–%.2f over %d rounds)", (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2), v[1], v[NR], NR}'; }
echo "HelloService CPU per request, store ÷ in process: $(printf '%s\n' "${ratios[@]}" | median)"
echo "HelloService CPU per request, store without command spans ÷ in process: $(printf '%s\n' "${quiet_ratios[@]}" | median)"
