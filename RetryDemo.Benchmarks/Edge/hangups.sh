#!/usr/bin/env bash
# Callers who hang up mid-request: POST /greetings to ClientService, reset 3 ms later (Edge/hangups.py), for
# `seconds`. Reports the aborts sent, ClientService's log lines at its default level (Information) during them,
# its connections to HelloService open and left in TIME_WAIT, an honest caller's answers meanwhile, and plain
# GET /hello's p50 before and right after.
#   [HELLO_SETTINGS="Faults__LatencyMs=1500"] bash RetryDemo.Benchmarks/Edge/hangups.sh [seconds] [threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
threads=${2:-8}
source RetryDemo.Benchmarks/StoreCost/processes.sh
dotnet build -c Release RetryDemo.ClientService >/dev/null

hello_port=$(free_port); client_port=$(free_port)
# shellcheck disable=SC2086 # HELLO_SETTINGS is a list of VAR=value words (Faults__LatencyMs=1500: a slow HelloService).
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS=http://127.0.0.1:$hello_port ${HELLO_SETTINGS:-}); pids+=("$hello")
client=$(start_client "$client_port" "$hello_port"); pids+=("$client")
wait_healthy http://127.0.0.1:$hello_port
wait_healthy http://127.0.0.1:$client_port

p50() { wrk -t1 -c4 -d5s --latency "http://127.0.0.1:$client_port/hello" | awk '$1 == "50%" {print $2}'; }
time_wait() { ss -Htan state time-wait "( dport = :$hello_port )" | wc -l; }
before=$(p50)
lines_before=$(wc -l < "$work/client.log")
# An honest caller meanwhile: its GET /hello answers, counted by status.
(end=$((SECONDS + seconds)); while (( SECONDS < end )); do curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$client_port/hello"; done) > "$work/honest.txt" &
honest=$!
sent=$(python3 RetryDemo.Benchmarks/Edge/hangups.py "$client_port" "$seconds" "$threads")
established=$(ss -Htan state established "( dport = :$hello_port )" | wc -l)
wait "$honest"
lines=$(( $(wc -l < "$work/client.log") - lines_before ))
waiting=$(time_wait)
after=$(p50)
echo "hang-ups sent: $sent in ${seconds} s | ClientService log lines meanwhile: $lines | its connections to HelloService open at the end: $established, in TIME_WAIT after: $waiting | GET /hello p50 before: $before, right after: $after"
echo "an honest caller's GET /hello meanwhile, by status: $(sort "$work/honest.txt" | uniq -c | awk '{printf "%s × %s  ", $1, $2}')"
grep -v "^$" "$work/client.log" | tail -n +$((lines_before + 1)) | cut -c1-160 | sort | uniq -c | sort -rn | head -3
