#!/usr/bin/env bash
# `aspire run` — the Aspire CLI from the repository's tool manifest, finding the AppHost through
# aspire.config.json — must print the dashboard's URL within 3 minutes, and the dashboard must answer it.
# The CLI is then stopped the way a terminal or a platform stops it (SIGTERM, to its PID), and it and
# every process it started (AppHost, DCP, dashboard, services) must be gone within 90 s.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
url_limit=180
stop_limit=90

export ASPIRE_CLI_TELEMETRY_OPTOUT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null

log="$(mktemp -t aspire-run-smoke.XXXXXX)"
# --isolated: random ports and a copy of the user secrets, so a developer's running AppHost (or a test's)
# can't collide with this one. --non-interactive: no prompts or spinners; there is no terminal in CI.
dotnet aspire run --non-interactive --isolated >"$log" 2>&1 &
pid=$!

# This run's processes, grown from those already known ($tree): their children, and DCP's processes,
# which detach from the AppHost but name the process they serve (--monitor PID); the dashboard and the
# services run under DCP.
collect() {
  local set=" $tree " changed=1 p q
  while [ "$changed" = 1 ]; do
    changed=0
    for p in $set; do
      for q in $(pgrep -P "$p" || true) $(pgrep -f -- "--monitor $p( |\$)" || true); do
        case "$set" in *" $q "*) ;; *) set="$set$q "; changed=1 ;; esac
      done
    done
  done
  echo "$set"
}

# Running, not a zombie waiting for its parent to reap it.
alive() { local state; state="$(ps -o stat= -p "$1" 2>/dev/null || true)"; [ -n "$state" ] && [ "${state:0:1}" != Z ]; }

# What is left of this run: every process of it seen so far, plus anything running from this checkout
# (a service whose parent exited first is no longer anyone's child).
ours() {
  local p
  for p in $tree; do alive "$p" && echo "$p"; done
  pgrep -f "$root/RetryDemo\." || true
}

fail() {
  echo "aspire run smoke: $1" >&2
  echo "---- aspire run output ----" >&2
  sed 's/\x1b\][^\x1b]*\x1b\\//g; s/\x1b\[[0-9;]*m//g' "$log" >&2
  # Leave nothing behind, even on failure.
  tree="$(collect)"
  for p in $(ours | sort -u); do kill -KILL "$p" 2>/dev/null || true; done
  exit 1
}

tree="$pid"
url=""
for _ in $(seq "$url_limit"); do
  url="$(grep -o 'http://localhost:[0-9]*/login?t=[0-9a-f]*' "$log" | head -n 1 || true)"
  [ -n "$url" ] && break
  alive "$pid" || fail "exited before printing the dashboard URL"
  sleep 1
done
[ -n "$url" ] || fail "printed no dashboard URL within ${url_limit} s"
echo "== aspire run printed the dashboard URL: ${url%%\?*}?t=…"

tree="$(collect)"
echo "== $(wc -w <<<"$tree") processes are this run's: $(ps -o comm= -p "$(tr -s ' ' ',' <<<"$tree" | sed 's/^,//; s/,$//')" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $1, $2; sep=", "}')"
status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$url" || true)"
case "$status" in
  2*|3*) echo "== the dashboard answered its login URL ($status)" ;;
  *) fail "the dashboard did not answer its login URL (HTTP status '$status')" ;;
esac

kill -TERM "$pid"
start=$SECONDS
while :; do
  tree="$(collect)"
  left="$(ours | sort -u)"
  [ -z "$left" ] && break
  if [ $((SECONDS - start)) -ge "$stop_limit" ]; then
    ps -o pid=,args= -p "$(paste -sd, <<<"$left")" >&2 || true
    fail "these processes outlived SIGTERM by ${stop_limit} s"
  fi
  sleep 1
done
wait "$pid" || true
echo "== aspire run and every process it started exited $((SECONDS - start)) s after SIGTERM"
rm -f "$log"
