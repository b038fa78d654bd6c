#!/usr/bin/env bash
# The replay horizon and the store's disk, measured with the store as shipped: 20 keyed writes, then newer
# unique keyed writes straight at HelloService (wrk, in slices, as fast as it goes). Once `check-at` newer
# writes are in, the 20 keys are sent again: each must replay its own greeting (same id, Idempotent-Replayed)
# and its Location must answer 200. Writing goes on to `newer-writes`; every slice prints the rate, the
# store's resident memory and its data folder's size, so the folder's growth once the store is full can be
# read off (first third of the run against the last).
#   bash RetryDemo.Benchmarks/StoreCost/replay-horizon.sh [newer-writes] [slice-seconds] [check-at]
# HELLO_SETTINGS="StateRetention__Capacity=1000000" runs HelloService with those settings (a smaller store
# reaches twice its capacity sooner, to see the data folder stop growing); STORE_SETTINGS="Store__Memory=128m"
# the store with those (less log in memory: the log reaches the disk, and compaction starts, sooner).
set -euo pipefail
cd "$(dirname "$0")/../.."
total=${1:-1000000}
slice=${2:-30}
check_at=${3:-$total}
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_child() { pgrep -P "$1" | head -1 || echo "$1"; }
# The data folder's parts, in MB, to see which one a growth is in: the main log and the object log on disk,
# the append-only file, the checkpoints' log snapshots and their hash index.
parts() {
  local mb='{s += $1} END {printf "%d", s / 1048576}'
  printf " log %s objects %s aof %s snapshots %s index %s" \
    "$(find "$data/log" -name 'hlog.*' -printf '%s\n' 2>/dev/null | awk "$mb")" \
    "$(find "$data/log" -name 'hlog_objs.*' -printf '%s\n' 2>/dev/null | awk "$mb")" \
    "$(find "$data/checkpoints" -path '*AOF*' -type f -printf '%s\n' 2>/dev/null | awk "$mb")" \
    "$(find "$data/checkpoints" -path '*cpr-checkpoints*' -type f -printf '%s\n' 2>/dev/null | awk "$mb")" \
    "$(find "$data/checkpoints" -path '*index-checkpoints*' -type f -printf '%s\n' 2>/dev/null | awk "$mb")"
}
# The hash index's overflow (INFO STORE), when redis-cli is installed: buckets added past the index, and the
# bytes of them Garnet charges to the log's memory.
overflow() {
  command -v redis-cli >/dev/null || return 0
  redis-cli -p "$store_port" INFO STORE 2>/dev/null | tr -d '\r' |
    awk -F: '/^IndexOverflowBucketCount:/ {b = $2} /^IndexMemoryChargedToLogBudgetBytes:/ {c = $2} END {printf ", index overflow %s buckets (%d MB charged to the log)", b, c / 1048576}'
}

store_port=$(free_port); store_http=$(free_port); hello_port=$(free_port)
# shellcheck disable=SC2086 # STORE_SETTINGS is a list of VAR=value words.
store=$(start_store "$store_port" "$store_http" ${STORE_SETTINGS:-}); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
# shellcheck disable=SC2086 # HELLO_SETTINGS is a list of VAR=value words.
hello=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$hello_port" ConnectionStrings__store="127.0.0.1:$store_port" ${HELLO_SETTINGS:-}); pids+=("$hello")
wait_healthy "http://127.0.0.1:$hello_port"
url="http://127.0.0.1:$hello_port"
data="$work/store-$store_port"

post() { curl -s -D "$work/headers" -o "$work/body" -X POST -H 'Content-Type: application/json' -H "Idempotency-Key: $1" -d '{"name":"Ada"}' "$url/greetings"; }
declare -A ids
for i in $(seq 20); do
  post "horizon-$i"
  ids[$i]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/body")
done

check_replays() {
  local replayed=0 located=0
  for i in $(seq 20); do
    post "horizon-$i"
    id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id",""))' "$work/body")
    if [ "$id" = "${ids[$i]}" ] && grep -qi '^Idempotent-Replayed: true' "$work/headers"; then replayed=$((replayed + 1)); fi
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/greetings/${ids[$i]}")" = 200 ] && located=$((located + 1))
  done
  echo "after $done_writes newer writes: $replayed of 20 keys replayed their own greeting; $located of 20 Locations answered 200;" \
    "store RSS $(rss_mb "$(store_child "$store")") MB, data folder $(du -sm "$data" | cut -f1) MB"
}

echo "== $total newer keyed writes in ${slice} s slices (wrk -t2 -c16); the 20 keys again after $check_at"
done_writes=0; n=0; checked=false
while (( done_writes < total )); do
  n=$((n + 1))
  out=$(wrk -t2 -c16 -d"${slice}s" -s RetryDemo.Benchmarks/StoreCost/keyed-writes-statuses.lua "$url/greetings" -- "w$n")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {n = $NF} /^statuses:/ {$1 = ""; s = $0} END {if (n) print n " (" substr(s, 2) ")"}')
  done_writes=$((done_writes + requests))
  printf "slice %3d: %7d writes (%8d in all), %6.0f /s, non-2xx %s, store RSS %s MB, data folder %s MB (%s )%s, store %s\n" "$n" "$requests" "$done_writes" \
    "$(echo "$requests $slice" | awk '{print $1/$2}')" "${non2xx:-0}" "$(rss_mb "$(store_child "$store")")" "$(du -sm "$data" | cut -f1)" "$(parts)" "$(overflow)" \
    "$(curl -s -m 5 "http://127.0.0.1:$store_http/health" || echo unanswered)"
  if ! $checked && (( done_writes >= check_at )); then check_replays; checked=true; fi
done
$checked || check_replays
