# Sourced by the StoreCost scripts: Release builds, free ports, background services stopped on exit.
# The caller sets `set -euo pipefail` and runs from the repository root.
command -v wrk >/dev/null || { echo "wrk not found (apt-get install wrk)" >&2; exit 1; }
dotnet build -c Release RetryDemo.HelloService >/dev/null
dotnet build -c Release RetryDemo.Store >/dev/null

work=$(mktemp -d)
pids=()
# SIGTERM, then SIGKILL for whatever is still running 30 s later, said on stderr (a store whose compaction
# hung also hangs in its stop: docs/benchmarks.md).
cleanup() {
  local p alive=()
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 300); do
    alive=(); for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    (( ${#alive[@]} )) || break; sleep 0.1
  done
  for p in "${alive[@]}"; do echo "pid $p was still running 30 s after SIGTERM: killed" >&2; kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# start <project dir> <dll> [VAR=value…]: runs the Release build with Production logging (its console to
# $START_LOG, else nowhere); echoes the pid.
start() {
  local dir=$1 dll=$2; shift 2
  (cd "$dir" && exec env -u ASPNETCORE_ENVIRONMENT Logging__LogLevel__Default=Warning "$@" dotnet "bin/Release/net10.0/$dll" >"${START_LOG:-/dev/null}" 2>&1) &
  echo $!
}
wait_healthy() { for _ in $(seq 200); do curl -sf "$1/health" >/dev/null && return 0; sleep 0.1; done; echo "$1 never became healthy" >&2; exit 1; }
# start_store <tcp port> <http port> [VAR=value…]: a store with its data in $work, its console to $STORE_LOG when
# set, built from $STORE_DIR when set (another checkout's RetryDemo.Store); echoes the pid (wait_healthy on the
# http port).
start_store() {
  local port=$1 http=$2; shift 2
  START_LOG=${STORE_LOG:-${START_LOG:-}} start "${STORE_DIR:-RetryDemo.Store}" RetryDemo.Store.dll Store__Port="$port" Store__DataDirectory="$work/store-$port" ASPNETCORE_URLS="http://127.0.0.1:$http" "$@"
}
# start_client <http port> <HelloService's port> [VAR=value…]: ClientService standalone (build it first), at
# Information logging to $work/client.log, finding HelloService at that port; echoes the pid.
start_client() {
  local port=$1 hello=$2; shift 2
  START_LOG=$work/client.log start RetryDemo.ClientService RetryDemo.ClientService.dll ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Logging__LogLevel__Default=Information services__hello__http__0="http://127.0.0.1:$hello" "$@"
}

cpu() { [[ -n $1 ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; } # utime + stime, in clock ticks; 0 for no pid
hz=$(getconf CLK_TCK)
run_wrk=(wrk) # how wrk is run: a caller may prefix it (taskset)
# measure_load <label> <what> <url> <HelloService's pid> <the store's pid, or ''> [wrk options, such as -s script]: requests
# straight at HelloService (wrk -t2 -c$CONNECTIONS, 16 unless set, 5 s of warm-up, then 14 s; a script gets the
# label and a random number as its argument), each process's CPU from /proc over 10 s of it; prints requests/s
# (named <what>), p50 / p99 and CPU a request. Says on stderr when answers were not 2xx, and stops when a process
# it measures is gone (with the tail of $logs/<label>.log, or $logs/store-<label>.log, when $logs holds one). Leaves
# HelloService's and all three processes' CPU a request (µs) in measured_hello and measured_all.
measure_load() {
  local label=$1 what=$2 url=$3 hello=$4 store=$5 load failed h0 s0 w0 h1 s1 w1 rate latency; shift 5
  kill -0 "$hello" 2>/dev/null || { echo "$label's HelloService is no longer running" >&2; tail -40 "${logs:-$work}/$label.log" >&2 2>/dev/null; exit 1; }
  [[ -z $store ]] || kill -0 "$store" 2>/dev/null || { echo "$label's store is no longer running" >&2; tail -40 "${logs:-$work}/store-$label.log" >&2 2>/dev/null; exit 1; }
  "${run_wrk[@]}" -t2 -c"${CONNECTIONS:-16}" -d5s "$@" "$url" -- "warm-$label-$RANDOM" >/dev/null
  "${run_wrk[@]}" -t2 -c"${CONNECTIONS:-16}" -d14s --latency "$@" "$url" -- "$label-$RANDOM" > "$work/$label.txt" &
  load=$!; sleep 2 # $! is wrk itself (taskset execs it)
  h0=$(cpu "$hello"); s0=$(cpu "$store"); w0=$(cpu "$load"); sleep 10; h1=$(cpu "$hello"); s1=$(cpu "$store"); w1=$(cpu "$load")
  wait "$load"
  failed=$(awk '/Non-2xx/ {print $NF}' "$work/$label.txt"); [[ -z $failed ]] || echo "$label: $failed answers were not 2xx (counted in the rate below)" >&2
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/$label.txt")
  [[ -n $rate ]] || { echo "$label: wrk gave no rate:" >&2; cat "$work/$label.txt" >&2; exit 1; }
  latency=$(awk '/ 50%/ {p50 = $2} / 99%/ {p99 = $2} END {print p50 " / " p99}' "$work/$label.txt")
  local store_us wrk_us
  read -r measured_hello store_us wrk_us measured_all < <(awk -v r="$rate" -v h=$((h1 - h0)) -v s=$((s1 - s0)) -v w=$((w1 - w0)) -v hz="$hz" \
    'BEGIN { n = r * 10; printf "%.4f %.4f %.4f %.4f\n", h/hz*1e6/n, s/hz*1e6/n, w/hz*1e6/n, (h+s+w)/hz*1e6/n }')
  LC_NUMERIC=C printf "%-10s %6.0f %s/s, p50 / p99 %s; CPU a request: HelloService %3.0f µs, store %3.0f µs, wrk %3.0f µs, all %3.0f µs\n" \
    "$label" "$rate" "$what" "$latency" "$measured_hello" "$store_us" "$wrk_us" "$measured_all"
}
# measure_writes <label> <HelloService's port> <its pid> [the store's pid]: keyed writes (keyed-writes.lua), measured.
measure_writes() {
  measure_load "$1" writes "http://127.0.0.1:$2/greetings" "$3" "${4:-}" -s RetryDemo.Benchmarks/StoreCost/keyed-writes.lua
}
# record_perf <pid> <perf.data> <seconds>: `perf record` of that process, call graphs included; says why and
# stops the run when perf cannot record.
record_perf() {
  perf record -F 999 -g -p "$1" -o "$2" -- sleep "$3" >/dev/null 2>"$2.err" \
    || { echo "perf record failed (kernel.perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid)):" >&2; cat "$2.err" >&2; exit 1; }
}
