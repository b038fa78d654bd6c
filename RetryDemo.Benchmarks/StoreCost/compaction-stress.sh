#!/usr/bin/env bash
# Garnet's compaction, made to run every 5 s over a store made small (128 MB in memory, compaction past 4
# segments of 32 MB, 500,000 greetings kept): replay-horizon.sh's keyed writes (the 20 keys checked after
# 400,000, inside that capacity), with the store's console kept,
# and at the end how many compactions finished and how many failed. Each slice also shows the store's health,
# which turns Degraded once compaction is due and the log's oldest record has stood still for three of its
# periods and a minute, 75 s here (GarnetLogHealth). With Garnet 2.2.12 each
# run here stopped compacting within about a million writes: either a compaction that throws on one record and
# retries it forever, or one that never ends (docs/benchmarks.md).
#   bash RetryDemo.Benchmarks/StoreCost/compaction-stress.sh [newer-writes]
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
echo "the store's console: $log"
summary() {
  echo "compactions finished: $(grep -c 'End store compact' "$log" || true); compaction failures: $(grep -c 'exception received for background compaction task' "$log" || true)"
  grep -m1 -A3 'exception received for background compaction task' "$log" || true
}
trap summary EXIT # also when the run is cut short
STORE_LOG=$log \
STORE_SETTINGS="Store__Memory=128m Store__Segment=32m Store__CompactionSegments=4 Store__CompactionFrequencySeconds=5 Logging__LogLevel__SingleDatabaseManager=Information" \
HELLO_SETTINGS="StateRetention__Capacity=500000" \
  bash RetryDemo.Benchmarks/StoreCost/replay-horizon.sh "${1:-1500000}" 10 400000
