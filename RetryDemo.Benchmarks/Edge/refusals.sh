#!/usr/bin/env bash
# What a stranger's refused fault requests cost, against plain GET /hello, side by side in one run:
# HelloService (Production, fault controls on with a key, Information logging) and ClientService in
# front of it (Production, holding the key). wrk -c20 drives, per round and in rotating order:
#   HelloService plain /hello | HelloService /hello with a keyless X-Fault-Rate: 1 (401)
#   ClientService plain /hello | ClientService /hello?failureRate=1 without the key (403)
# and the log bytes each run wrote, per 1,000 requests.
#   bash RetryDemo.Benchmarks/Edge/refusals.sh [rounds] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
seconds=${2:-8}
source RetryDemo.Benchmarks/StoreCost/processes.sh
dotnet build -c Release RetryDemo.ClientService >/dev/null

key=refusals-benchmark-key-0123456789
hello_port=$(free_port); client_port=$(free_port)
START_LOG=$work/hello.log hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$hello_port \
  Logging__LogLevel__Default=Information FaultControl__Enabled=true FaultControl__Key=$key); pids+=("$hello")
client=$(start_client "$client_port" "$hello_port" HelloClient__FaultControlKey=$key); pids+=("$client")
wait_healthy http://127.0.0.1:$hello_port
wait_healthy http://127.0.0.1:$client_port

# measure <label> <log file> <expected status> <url> [wrk args…]: prints "label requests/s non-expected log-bytes-per-1000"
measure() {
  local label=$1 log=$2 expected=$3 url=$4; shift 4
  local before after out requests rate
  # One request first, to check the answer is the one this run means to measure.
  local status; status=$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url")
  [ "$status" = "$expected" ] || { echo "$label: expected $expected, got $status" >&2; exit 1; }
  before=$(stat -c %s "$log")
  out=$(wrk -t2 -c20 -d"${seconds}s" "$@" "$url")
  after=$(stat -c %s "$log")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  awk -v l="$label" -v r="$rate" -v b=$((after - before)) -v n="$requests" 'BEGIN { printf "%-34s %10.0f req/s  %8.1f log bytes per 1,000 requests\n", l, r, b * 1000 / n }'
}

run() {
  case $1 in
    hello-plain) measure "HelloService /hello" "$work/hello.log" 200 "http://127.0.0.1:$hello_port/hello" ;;
    hello-refused) measure "HelloService keyless X-Fault-Rate" "$work/hello.log" 401 "http://127.0.0.1:$hello_port/hello" -H "X-Fault-Rate: 1" ;;
    client-plain) measure "ClientService /hello" "$work/client.log" 200 "http://127.0.0.1:$client_port/hello" ;;
    client-refused) measure "ClientService keyless ?failureRate" "$work/client.log" 403 "http://127.0.0.1:$client_port/hello?failureRate=1" ;;
  esac
}

echo "warming up"
for v in hello-plain hello-refused client-plain client-refused; do seconds=3 run "$v" >/dev/null; done
for round in $(seq "$rounds"); do
  echo "round $round"
  runs=("hello-plain" "hello-refused" "client-plain" "client-refused")
  for _ in $(seq $((round % 4))); do runs=("${runs[@]:1}" "${runs[0]}"); done
  for v in "${runs[@]}"; do run "$v"; done
done
