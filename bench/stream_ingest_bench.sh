#!/usr/bin/env bash
# Streaming ingest end to end: topic -> committed Delta table.
#
#   stream_ingest_bench.sh [BUILD_DIR]
#
# 1. Starts the standalone mock broker (build/tests/stream_mock_broker) with
#    STREAM_BENCH_PARTITIONS partitions (default 48: the mock keeps only ~5 MB
#    per partition, so the pre-filled topic must be spread wide enough that
#    nothing is dropped before it is read).
# 2. Pre-fills it with STREAM_BENCH_EVENTS generated events (default 150000,
#    ~110 MB; no malformed lines, no duplicates) with `lakestream generate --topic`.
# 3. Times `/usr/bin/time -v lakestream ingest --config ... --available-now`
#    into a fresh table (deploy/ingest-clickstream.yaml's columns, partitioned
#    by event_date, dedup on, trigger STREAM_BENCH_TRIGGER; without the
#    config's user_profile dimension unless STREAM_BENCH_DIMENSION=1).
# Prints one line: payload MB, wall seconds, MB/s, CPU seconds, peak RSS,
# batches, commit latency p50/p99 (from the engine's summary line).
# Binds 127.0.0.1 only; stops the broker it started by PID.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
BIN="$BUILD_DIR/lakestream"
BROKER_BIN="$BUILD_DIR/tests/stream_mock_broker"
EVENTS="${STREAM_BENCH_EVENTS:-150000}"
PARTITIONS="${STREAM_BENCH_PARTITIONS:-48}"
DEFAULT_TRIGGER="{interval: 5s, max_records: 50000, max_bytes: 64MB}"
TRIGGER="${STREAM_BENCH_TRIGGER:-$DEFAULT_TRIGGER}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/stream"
log() { printf '[bench] %s\n' "$*" >&2; }
[ -x "$BROKER_BIN" ] || { log "$BROKER_BIN not built"; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
BROKER_PID=""
trap '[ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null; wait 2>/dev/null || true' EXIT

"$BROKER_BIN" --topic bench --partitions "$PARTITIONS" > "$WORK/broker.out" 2> "$WORK/broker.log" &
BROKER_PID=$!
for _ in $(seq 100); do grep -q '^bootstrap=' "$WORK/broker.out" && break; sleep 0.1; done
BOOTSTRAP=$(sed -n 's/^bootstrap=//p' "$WORK/broker.out")
[ -n "$BOOTSTRAP" ] || { log "mock broker did not start"; exit 1; }

log "stream: pre-filling topic bench ($PARTITIONS partitions) with $EVENTS events"
"$BIN" generate --events "$EVENTS" --seed 42 --malformed-rate 0 --duplicate-rate 0 \
  --topic bench --brokers "$BOOTSTRAP" 2> "$WORK/generate.log"
BYTES=$(sed -E 's/.* events, ([0-9]+) bytes.*/\1/' "$WORK/generate.log")

# STREAM_BENCH_DIMENSION=1 keeps the user_profile dimension (in the work dir).
if [ "${STREAM_BENCH_DIMENSION:-0}" = 1 ]; then
  DIMENSION_SED="s|/tmp/lakestream/user_profile|$WORK/user_profile|"
else
  DIMENSION_SED='/^dimension:/,$d'
fi
sed -e "s|^  topic: clickstream|  topic: bench\n  brokers: $BOOTSTRAP\n  group: bench|" \
    -e "s|/tmp/lakestream/events_quarantine|$WORK/quarantine|" \
    -e "s|/tmp/lakestream/events|$WORK/events|" \
    -e "s|^trigger:.*|trigger: $TRIGGER|" \
    -e "$DIMENSION_SED" \
    "$ROOT/deploy/ingest-clickstream.yaml" > "$WORK/ingest.yaml"

log "stream: ingest --available-now ($(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
/usr/bin/time -v "$BIN" ingest --config "$WORK/ingest.yaml" --available-now --quiet \
  > /dev/null 2> "$WORK/ingest.log" || { cat "$WORK/ingest.log" >&2; exit 1; }
ROWS=$("$BIN" cat "$WORK/events" --columns event_id | wc -l)
[ "$ROWS" = "$EVENTS" ] || { log "stream: table has $ROWS rows, expected $EVENTS"; exit 1; }

summary=$(grep 'ingest: summary' "$WORK/ingest.log")
field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<< "$summary"; }
WALL=$(field seconds)
BATCHES=$(field batches)
P50=$(field commit_p50_ms)
P99=$(field commit_p99_ms)
CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$WORK/ingest.log")
RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/ingest.log")
printf '%-22s %9.1f %8.3f %7.1f %8s %8s %7s %9s %9s\n' "lakestream ingest" \
  "$(awk -v b="$BYTES" 'BEGIN { print b / 1e6 }')" "$WALL" \
  "$(awk -v b="$BYTES" -v s="$WALL" 'BEGIN { print b / 1e6 / s }')" "$CPU" "$RSS" "$BATCHES" "$P50" "$P99"
