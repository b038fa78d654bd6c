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
# set; echoes the pid (wait_healthy on the http port).
start_store() {
  local port=$1 http=$2; shift 2
  START_LOG=${STORE_LOG:-${START_LOG:-}} start RetryDemo.Store RetryDemo.Store.dll Store__Port="$port" Store__DataDirectory="$work/store-$port" ASPNETCORE_URLS="http://127.0.0.1:$http" "$@"
}
# start_client <http port> <HelloService's port> [VAR=value…]: ClientService standalone (build it first), at
# Information logging to $work/client.log, finding HelloService at that port; echoes the pid.
start_client() {
  local port=$1 hello=$2; shift 2
  START_LOG=$work/client.log start RetryDemo.ClientService RetryDemo.ClientService.dll ASPNETCORE_URLS="http://127.0.0.1:$port" \
    Logging__LogLevel__Default=Information services__hello__http__0="http://127.0.0.1:$hello" "$@"
}
