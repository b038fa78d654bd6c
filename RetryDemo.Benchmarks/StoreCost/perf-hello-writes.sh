#!/usr/bin/env bash
# Where HelloService's CPU a keyed write goes, in process and through the store side by side, native and kernel
# time included (dotnet-trace sees managed code only): for each, wrk -t2 -c$CONNECTIONS (64 unless set) of keyed
# writes straight at it (10 s of warm-up), then `perf record` of it for 8 s, its CPU from /proc over perf's run.
# Prints µs a write by where the samples fell: the kernel, the runtime's native libraries, and managed code by
# assembly (through the runtime's perf map: DOTNET_PerfMapEnabled=3, the map without a jitdump; W^X off so perf
# can read the JIT's code).
#   [CONNECTIONS=n] bash RetryDemo.Benchmarks/StoreCost/perf-hello-writes.sh
# Needs perf and wrk (Debian: apt-get install linux-perf wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v perf >/dev/null || { echo "perf not found (apt-get install linux-perf)" >&2; exit 1; }
source RetryDemo.Benchmarks/StoreCost/processes.sh
# The runtimes' perf maps go with the services, however the run ends.
trap 'rm -f "/tmp/perf-${local_pid:-x}.map" "/tmp/perf-${shared_pid:-x}.map" "/tmp/perfinfo-${local_pid:-x}.map" "/tmp/perfinfo-${shared_pid:-x}.map"; cleanup' EXIT
connections=${CONNECTIONS:-64}
store_port=$(free_port); store_http=$(free_port); local_port=$(free_port); shared_port=$(free_port)
store=$(start_store "$store_port" "$store_http"); pids+=("$store")
wait_healthy "http://127.0.0.1:$store_http"
maps=(DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0)
local_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$local_port" "${maps[@]}"); pids+=("$local_pid")
shared_pid=$(start RetryDemo.HelloService RetryDemo.HelloService.dll ASPNETCORE_URLS="http://127.0.0.1:$shared_port" ConnectionStrings__store="127.0.0.1:$store_port" "${maps[@]}"); pids+=("$shared_pid")
wait_healthy "http://127.0.0.1:$local_port"; wait_healthy "http://127.0.0.1:$shared_port"
writes=RetryDemo.Benchmarks/StoreCost/keyed-writes.lua
for side in "in-process $local_port $local_pid" "store $shared_port $shared_pid"; do
  read -r name port pid <<<"$side"
  wrk -t2 -c"$connections" -d10s -s "$writes" "http://127.0.0.1:$port/greetings" -- "warm-$name-$RANDOM" >/dev/null
  wrk -t2 -c"$connections" -d12s -s "$writes" "http://127.0.0.1:$port/greetings" -- "$name-$RANDOM" > "$work/$name.wrk" &
  load=$!; sleep 2
  c0=$(cpu "$pid"); t0=$(date +%s.%N)
  record_perf "$pid" "$work/$name.data" 8
  c1=$(cpu "$pid"); t1=$(date +%s.%N)
  wait "$load"
  rate=$(awk '/Requests\/sec/ {print $2}' "$work/$name.wrk")
  [[ -n $rate ]] || { echo "$name: wrk gave no rate" >&2; exit 1; }
  failed=$(awk '/Non-2xx/ {print $NF}' "$work/$name.wrk"); [[ -z $failed ]] || echo "$name: $failed answers were not 2xx" >&2
  # CPU over perf's whole run, divided by the writes in that time (at wrk's rate). perf's own cost falls on the
  # sampled process by the second, so it weighs more on each write where writes are fewer.
  per_write=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v r="$rate" -v t="$t0" -v u="$t1" 'BEGIN { print c / hz * 1e6 / (r * (u - t)) }')
  echo "$name: $rate keyed writes/s; HelloService's CPU $(printf '%.0f' "$per_write") µs a write while sampled"
  echo "$name $per_write" >> "$work/per-write"
  perf report -i "$work/$name.data" --no-children --sort dso,sym -g none --percent-limit 0 2>/dev/null > "$work/$name.report"
done
python3 - "$work" <<'PY'
import collections, re, sys
work = sys.argv[1]
per_write = dict(line.split() for line in open(f"{work}/per-write"))
def groups(name):
    shares = collections.Counter()
    for line in open(f"{work}/{name}.report"):
        m = re.match(r"\s+([\d.]+)%\s+(\S.*?)\s{2,}(\S.*)$", line)
        if not m:
            continue
        share, dso, symbol = float(m.group(1)), m.group(2).strip(), m.group(3)
        if dso.startswith("[JIT]"):
            # The declaring type's assembly: the last "[Assembly] " (a space after it) before the method's "::";
            # a return type's is written "[Assembly]Type", with none.
            owners = re.findall(r"\[([A-Za-z][\w.]*)\] ", symbol.split("::")[0])
            key = "managed: " + (owners[-1] if owners else "stubs and unnamed")
        else:
            key = "kernel" if dso == "[kernel.kallsyms]" else dso
        shares[key] += share * float(per_write[name]) / 100
    return shares
local, shared = groups("in-process"), groups("store")
print(f"{'µs a write':52} {'in process':>10} {'store':>8} {'more':>7}")
for key in sorted(set(local) | set(shared), key=lambda k: -shared[k])[:20]:
    print(f"{key[:52]:52} {local[key]:10.1f} {shared[key]:8.1f} {shared[key] - local[key]:7.1f}")
PY
