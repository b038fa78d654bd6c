#!/usr/bin/env bash
# ClientService under more concurrent callers than its limit of calls to HelloService: wrk -c<connections>
# on GET /hello (Release, Production, Information logging, both services standalone). Counts the answers
# by status, checks every non-2xx is a problem with Retry-After and a reason, ClientService's health
# right after, and the log bytes written per shed call.
#   [CLIENT_SETTINGS="Key=value …"] bash RetryDemo.Benchmarks/Edge/overload.sh [connections] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-2000}
seconds=${2:-10}
source RetryDemo.Benchmarks/StoreCost/processes.sh
dotnet build -c Release RetryDemo.ClientService >/dev/null
ulimit -n 65536 2>/dev/null || true

hello_port=$(free_port); client_port=$(free_port)
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$hello_port); pids+=("$hello")
# shellcheck disable=SC2086 # CLIENT_SETTINGS is a list of VAR=value words.
client=$(start_client "$client_port" "$hello_port" ${CLIENT_SETTINGS:-}); pids+=("$client")
wait_healthy http://127.0.0.1:$hello_port
wait_healthy http://127.0.0.1:$client_port

# Every answer's status, and for non-2xx whether it carried Retry-After and a "reason".
cat > "$work/count.lua" <<'LUA'
-- Numbers only: wrk hands a thread's globals to done() one simple value at a time.
ok, shed, unexplained, server_error, other = 0, 0, 0, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status < 300 then ok = ok + 1
  elseif status >= 500 and status ~= 503 then server_error = server_error + 1
  elseif (status == 503 or status == 429) and headers["Retry-After"] and string.find(body or "", '"reason":"', 1, true) then shed = shed + 1
  elseif status == 503 or status == 429 then unexplained = unexplained + 1
  else other = other + 1 end
end
function done()
  local t = { ok = 0, shed = 0, unexplained = 0, server_error = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format("answers: 2xx %d | 503/429 with Retry-After and a reason %d | 503/429 without %d | other 5xx %d | other %d\n",
    t.ok, t.shed, t.unexplained, t.server_error, t.other))
end
LUA

curl -sf -o /dev/null http://127.0.0.1:$client_port/hello
echo "warming up: wrk -c$connections for 5 s (JIT, thread pool, connections)"
wrk -t2 -c"$connections" -d5s --timeout 15s "http://127.0.0.1:$client_port/hello" >/dev/null
# Run 1, plain wrk: the rate and the non-2xx count (a Lua response() hook slows wrk itself several times over).
# Run 2, every answer classified by the hook, at the same concurrency.
for run in plain classified; do
  before=$(stat -c %s "$work/client.log")
  if [ $run = plain ]; then out=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 15s "http://127.0.0.1:$client_port/hello")
  else out=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 15s -s "$work/count.lua" "http://127.0.0.1:$client_port/hello"); fi
  after=$(stat -c %s "$work/client.log")
  echo "== $run: $(echo "$out" | awk '/requests in/ {print $1, "requests"}'), $(echo "$out" | awk '/Requests\/sec/ {print $2, "/s"}'), non-2xx $(echo "$out" | awk '/Non-2xx/ {print $NF}'), latency avg $(echo "$out" | awk '$1=="Latency" {print $2}')"
  echo "$out" | grep -E "answers:|Socket errors" || true
  echo "ClientService /health right after: $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$client_port/health); log written: $((after - before)) bytes"
done
mkdir -p artifacts && cp "$work/client.log" artifacts/overload-client.log
echo "the log's most frequent lines (first 80 characters; whole log in artifacts/overload-client.log):"
cut -c1-80 "$work/client.log" | sed 's/[0-9a-f]\{32\}/<id>/g; s/[0-9.]\+ ms/<n> ms/g' | sort | uniq -c | sort -rn | head -8 || true
