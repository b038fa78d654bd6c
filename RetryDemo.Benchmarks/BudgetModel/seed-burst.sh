#!/usr/bin/env bash
# The seed scenario (failFirst=2&failStatus=500) from N callers at once against a fresh ClientService and
# HelloService (Release, Development so fault parameters pass without a key): how each call ended, by
# reason, and its attempt statuses. Then the same N calls one after another, on fresh processes.
#   bash RetryDemo.Benchmarks/BudgetModel/seed-burst.sh [callers]
set -euo pipefail
cd "$(dirname "$0")/../.."
callers=${1:-30}
source RetryDemo.Benchmarks/StoreCost/processes.sh
dotnet build -c Release RetryDemo.ClientService >/dev/null

run() { # mode: burst | sequential
  local hello_port client_port hello client
  hello_port=$(free_port); client_port=$(free_port)
  hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=http://127.0.0.1:$hello_port); pids+=("$hello")
  client=$(start RetryDemo.ClientService RetryDemo.ClientService.dll ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS=http://127.0.0.1:$client_port \
    services__hello__http__0=http://127.0.0.1:$hello_port); pids+=("$client")
  wait_healthy http://127.0.0.1:$hello_port
  wait_healthy http://127.0.0.1:$client_port
  curl -s -o /dev/null "http://127.0.0.1:$client_port/hello" # one plain call: connections and JIT
  local url="http://127.0.0.1:$client_port/hello?failFirst=2&failStatus=500"
  if [ "$1" = burst ]; then
    seq "$callers" | xargs -P "$callers" -I{} curl -s "$url" > "$work/$1.json"
  else
    for _ in $(seq "$callers"); do curl -s "$url"; echo; done > "$work/$1.json"
  fi
  kill "$client" "$hello"
  echo "== $callers seed calls, $1:"
  python3 - "$work/$1.json" <<'PY'
import json, sys, collections, re
text = open(sys.argv[1]).read()
answers = []
decoder = json.JSONDecoder(); i = 0
while i < len(text):
    if text[i] in ' \n': i += 1; continue
    obj, i = decoder.raw_decode(text, i); answers.append(obj)
outcomes = collections.Counter((a.get("reason", "ok"), ",".join(str(x["status"]) for x in a["report"]["attempts"])) for a in answers)
for (reason, statuses), n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
    print(f"  {n:3d}  {reason:22s} attempts: {statuses}")
PY
}
run burst
run sequential
