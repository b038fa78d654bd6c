#!/usr/bin/env bash
# Where a keyed write's CPU goes, by process, in process and with the store side by side in one run, and a
# model of what a write through the store could reach on this machine.
# 1. Keyed writes: wrk (-t2 -c$CONNECTIONS, 16 unless set) straight at HelloService, 5 s of warm-up, then
#    HelloService's, the store's and wrk's own CPU from /proc over 10 s, per write, with the p50 / p99, for
#    [rounds] alternating rounds (measure_writes, processes.sh).
# 2. HelloService's side of one store round trip: GET /greetings/{id} reads one greeting, from its own memory or
#    with one GET to the store, and answers the same JSON; HelloService's extra CPU a read is that round trip's
#    (at the reads' rate, higher than the writes', where a request's share of each wake-up is smaller).
# 3. The store's floor, on a fresh store of its own (the first holds the writes, and its checkpoints), warmed
#    by a first pass of each command that is not counted: its CPU per command for the cheapest writes there are
#    (a SET, a script of one SET, a script of five writes) and for a script shaped as a keyed write's commit (a
#    read, a SET NX, five SETs and an INCR), from redis-benchmark:
#    at the same connections, one command each at a time; then on one connection 16 deep, a guess at how
#    HelloService's one multiplexed connection sends them under load (its depth is not measured).
# 4. The estimate: the in-process write's CPU (all processes) over that plus the round trip and the store's floor,
#    medians of the rounds after the first, for either floor. It is what the rate ratio could reach while both
#    sides are bound by CPU, if a write through the store cost one command and nothing else: no index number, no
#    wait for durability, no hand-off beyond that one round trip's. It is a model, not a bound: it moves with
#    the in-process side's cost, which rises as that side fills.
# PIN=1 gives the store a core of its own, as it has deployed: the store on CPU 1; both HelloServices and wrk on
# CPU 0, so the in-process side has that one core too (the estimate then means less: the cores are not shared).
#   [PIN=1] [CONNECTIONS=n] bash RetryDemo.Benchmarks/StoreCost/write-cpu-split.sh [rounds]
# Needs wrk and redis-benchmark (Debian: apt-get install wrk redis-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-2}
connections=${CONNECTIONS:-16}
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
source RetryDemo.Benchmarks/StoreCost/processes.sh
store_port=$(free_port); store_http=$(free_port); local_port=$(free_port); shared_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$local_port"); pids+=("$local_pid")
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$shared_port" ConnectionStrings__store="127.0.0.1:$store_port"); pids+=("$shared_pid")
wait_healthy "http://127.0.0.1:$local_port"; wait_healthy "http://127.0.0.1:$shared_port"
if [[ -n ${PIN:-} ]]; then
  (( $(nproc) >= 2 )) || { echo "PIN=1 needs two CPUs" >&2; exit 1; }
  taskset -a -pc 1 "$store" >/dev/null; taskset -a -pc 0 "$local_pid" >/dev/null; taskset -a -pc 0 "$shared_pid" >/dev/null
  run_wrk=(taskset -c 0 wrk)
  echo "pinned: the store on CPU 1; HelloService and wrk on CPU 0"
fi
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== keyed writes, $connections connections"
written=() # the in-process write's CPU, all processes, rounds after the first
for round in $(seq "$rounds"); do
  measure_writes in-process "$local_port" "$local_pid" "$store"; (( round == 1 )) || written+=("$measured_all")
  measure_writes store "$shared_port" "$shared_pid" "$store"
done

echo "== HelloService's side of one store round trip: GET /greetings/{id}"
created() { curl -sf -X POST -H 'Content-Type: application/json' -d '{"name":"Ada"}' "http://127.0.0.1:$1/greetings" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p'; }
local_id=$(created "$local_port"); shared_id=$(created "$shared_port")
[[ -n $local_id && -n $shared_id ]] || { echo "could not create the greetings to read" >&2; exit 1; }
trip=() # HelloService's CPU a read with the store less in process, rounds after the first
for round in $(seq "$rounds"); do
  measure_load in-process reads "http://127.0.0.1:$local_port/greetings/$local_id" "$local_pid" "$store"; in_process=$measured_hello
  measure_load store reads "http://127.0.0.1:$shared_port/greetings/$shared_id" "$shared_pid" "$store"
  (( round == 1 )) || trip+=("$(awk -v a="$measured_hello" -v b="$in_process" 'BEGIN { print a - b }')")
done

# A fresh store for the floors.
floor_port=$(free_port); floor_http=$(free_port)
floor_store=$(start_store "$floor_port" "$floor_http"); pids+=("$floor_store")
wait_healthy "http://127.0.0.1:$floor_http"
run_benchmark=(redis-benchmark)
if [[ -n ${PIN:-} ]]; then taskset -a -pc 1 "$floor_store" >/dev/null; run_benchmark=(taskset -c 0 redis-benchmark); fi
floor() { # label, redis-benchmark's options and command; leaves the store's CPU a command (µs) in floor_us
  local label=$1 before after out; shift
  "${run_benchmark[@]}" -p "$floor_port" -n 20000 -r 10000000 -q "$@" >/dev/null 2>&1 || true # the first pass warms the store
  before=$(cpu "$floor_store")
  out=$("${run_benchmark[@]}" -p "$floor_port" -n 200000 -r 10000000 -q "$@" 2>&1 | tr '\r' '\n' | grep "requests per second" | tail -1 || true)
  after=$(cpu "$floor_store")
  [[ -n $out ]] || { echo "redis-benchmark gave no rate for $label" >&2; exit 1; }
  floor_us=$(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.1f", t * 1e6 / hz / 200000 }')
  echo "$out" | awk -v l="$label" -v us="$floor_us" '{ for (i = 1; i <= NF; i++) if ($i == "requests") r = $(i - 1)
    printf "store floor, %-26s %6.0f commands/s; store CPU %3.0f µs a command\n", l ":", r, us }'
}
five="redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], ARGV[1]); redis.call('SET', KEYS[3], ARGV[1]); redis.call('SET', KEYS[4], ARGV[1]); return redis.call('SET', KEYS[5], ARGV[1])"
commit="redis.call('GET', KEYS[2]); redis.call('SET', KEYS[6], ARGV[1], 'NX', 'PX', 60000); redis.call('SET', KEYS[5], 'changing'); redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000); redis.call('SET', KEYS[4], ARGV[1]); redis.call('INCR', KEYS[3]); redis.call('SET', KEYS[5], ARGV[1]); return redis.call('SET', KEYS[6], ARGV[1], 'PX', 60000)"
record=$(printf 'x%.0s' $(seq 100)) # about a greeting's record
# redis-benchmark counts an error reply as a request: each script is run once first, and must not fail.
check() { local reply; reply=$(redis-cli -p "$floor_port" eval "$@" 2>&1 || true); [[ -n $reply && $reply != *ERR* && $reply != *refused* ]] || { echo "the store refused a floor's script: $reply" >&2; exit 1; }; }
check "$five" 5 n a b c d x
check "$commit" 6 g first count e version i x
loads=("-c $connections" "-c 1 -P 16"); set_floors=(); commit_floors=()
for load in "${loads[@]}"; do
  read -r -a options <<<"$load"
  echo "== the store's floor, redis-benchmark $load"
  floor "SET" "${options[@]}" set "k:__rand_int__" x; set_floors+=("$floor_us")
  floor "script of one SET" "${options[@]}" eval "return redis.call('SET', KEYS[1], ARGV[1])" 1 "k:__rand_int__" x
  floor "script of five writes" "${options[@]}" eval "$five" 5 n "a:__rand_int__" "b:__rand_int__" "c:__rand_int__" "d:__rand_int__" x
  floor "script shaped as a commit" "${options[@]}" eval "$commit" 6 "g:__rand_int__" first count "e:__rand_int__" version "i:__rand_int__" "$record"; commit_floors+=("$floor_us")
done

(( rounds >= 2 )) || { echo "(the estimate needs two rounds or more: the first is cold)"; exit 0; }
w=$(median "${written[@]}"); r=$(median "${trip[@]}")
echo "== the estimate: in process a write costs $(printf '%.0f' "$w") µs (all processes); one round trip costs HelloService $(printf '%.0f' "$r") µs more"
for i in "${!loads[@]}"; do
  awk -v load="${loads[$i]}" -v w="$w" -v r="$r" -v f="${set_floors[$i]}" -v c="${commit_floors[$i]}" 'BEGIN {
    printf "with the floor at redis-benchmark %s: a write of one SET could reach %.2f of the in-process rate; of one commit-shaped script, %.2f\n", load, w / (w + r + f), w / (w + r + c) }'
done
