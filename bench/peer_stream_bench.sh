#!/usr/bin/env bash
# Streaming ingest peers: lakestream ingest beside Spark Structured Streaming, Kafka ->
# Delta, on the same broker, the same topic and the same events, in the same run.
#
#   peer_stream_bench.sh [BUILD_DIR]
#
# 1. Starts one Apache Kafka broker (tests/peers/kafka/kafka_fixture.sh, 127.0.0.1, stopped
#    by PID on exit) and creates topic bench with PEER_STREAM_PARTITIONS partitions
#    (default 12); pre-fills it with PEER_STREAM_EVENTS events (default 500,000, ~370 MB)
#    from `lakestream generate --topic` (seed 42, no malformed lines, no duplicates).
# 2. lakestream: `ingest --available-now` with deploy/ingest-clickstream.yaml's columns,
#    event_date partitions, dedup on event_id (24 h) and trigger (max 200,000 records a
#    batch), the user_profile dimension dropped; its own consumer group and table.
# 3. Spark: bench/spark_stream_bench.py (tests/peers/.venv, local[2], jars from
#    tests/peers/spark/jars, no network): readStream kafka from the earliest offsets ->
#    from_json with the same column types -> dropDuplicatesWithinWatermark(event_id, 24 h)
#    -> event_date -> writeStream delta partitioned by event_date, trigger availableNow,
#    maxOffsetsPerTrigger 200,000; driver memory PEER_STREAM_SPARK_MEMORY (default 2g).
# Both runs are measured by bench/proc_tree_measure.py (wall, user+sys CPU of the whole
# process tree: Spark's Python driver and its JVM; peak of the tree's summed RSS); the
# broker's CPU during each run is read from /proc. Both tables must hold every event
# exactly once and the same values: delta-rs (tests/peers/.venv) reads both and compares
# row count, distinct event_ids and column sums.
#
# Prints one row per tool: payload MB, wall s, MB/s, CPU s, MB per CPU second, peak RSS
# MB, broker CPU s, rows. MB is 10^6 bytes of Kafka record values. PEER_STREAM_SKIP_SPARK=1
# runs lakestream alone (a quick check of the script).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
BIN="$BUILD_DIR/lakestream"
EVENTS="${PEER_STREAM_EVENTS:-500000}"
PARTITIONS="${PEER_STREAM_PARTITIONS:-12}"
SPARK_MEMORY="${PEER_STREAM_SPARK_MEMORY:-2g}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/peer_stream"
PY="$ROOT/tests/peers/.venv/bin/python"
JARS="$ROOT/tests/peers/spark/jars"
MEASURE=(python3 "$ROOT/bench/proc_tree_measure.py")
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "peer_stream: error: $*"; exit 1; }
[ -x "$BIN" ] || die "$BIN not built"
[ -x "$PY" ] || die "tests/peers/.venv missing; run ./run deps"
ls "$JARS"/delta-spark_*.jar "$JARS"/spark-sql-kafka-*.jar > /dev/null 2>&1 ||
  die "Spark jars missing in tests/peers/spark/jars; run ./run deps"
command -v java > /dev/null || die "java not found; run ./run deps"
# shellcheck source=../tests/peers/kafka/kafka_fixture.sh
source "$ROOT/tests/peers/kafka/kafka_fixture.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
cleanup() {
  kafka_fixture_stop
  wait 2>/dev/null || true
}
trap cleanup EXIT

kafka_fixture_start 1 || die "the Kafka broker did not start"
BOOTSTRAP=$KAFKA_BOOTSTRAP
BROKER_PID=$(cat "$KAFKA_DIR/node1/pid")
kafka_topics --create --topic bench --partitions "$PARTITIONS" --replication-factor 1 \
  > "$WORK/topic.log" 2>&1 || { cat "$WORK/topic.log" >&2; die "creating topic bench"; }
TICKS=$(getconf CLK_TCK)
broker_cpu() { awk -v hz="$TICKS" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$BROKER_PID/stat"; }

log "peer_stream: pre-filling topic bench ($PARTITIONS partitions) with $EVENTS events"
"$BIN" generate --events "$EVENTS" --seed 42 --malformed-rate 0 --duplicate-rate 0 \
  --topic bench --brokers "$BOOTSTRAP" 2> "$WORK/generate.log" ||
  { cat "$WORK/generate.log" >&2; die "pre-filling the topic"; }
BYTES=$(sed -nE 's/.* events, ([0-9]+) bytes.*/\1/p' "$WORK/generate.log")
[ -n "$BYTES" ] || { cat "$WORK/generate.log" >&2; die "no byte count in generate's output"; }
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')

ROWS_OUT=()
row() {  # tool measure_file broker_cpu_s rows
  local m
  m=$(cat "$2")
  f() { sed -E "s/.*(^| )$1=([^ ]+).*/\2/" <<< "$m"; }
  ROWS_OUT+=("$(awk -v tool="$1" -v mb="$MB" -v wall="$(f wall_s)" -v cpu="$(f cpu_s)" \
    -v rss="$(f rss_mb)" -v broker="$3" -v rows="$4" 'BEGIN {
      printf "%-20s %7.1f %8.2f %7.1f %8.2f %8.2f %7.0f %8.2f %8s\n",
        tool, mb, wall, mb / wall, cpu, mb / cpu, rss, broker, rows }')")
}

# ---- lakestream ingest -----------------------------------------------------------------
dir="$WORK/lakestream"
mkdir -p "$dir"
sed -e "s|^  topic: clickstream|  topic: bench\n  group: bench-lakestream|" \
    -e "s|^  brokers: .*|  brokers: $BOOTSTRAP|" \
    -e "s|/tmp/lakestream/events_quarantine|$dir/quarantine|" \
    -e "s|/tmp/lakestream/events|$dir/events|" \
    -e '/^dimension:/,$d' \
    "$ROOT/deploy/ingest-clickstream.yaml" > "$dir/ingest.yaml"
grep -q "group: bench-lakestream" "$dir/ingest.yaml" || die "could not adapt the deploy config"
log "peer_stream: lakestream ingest --available-now ($MB MB), load average $(cut -d' ' -f1-3 /proc/loadavg)"
cpu0=$(broker_cpu)
"${MEASURE[@]}" "$dir/measure.txt" -- "$BIN" ingest --config "$dir/ingest.yaml" \
  --available-now --quiet > /dev/null 2> "$dir/ingest.log" ||
  { cat "$dir/ingest.log" >&2; die "lakestream ingest failed"; }
cpu1=$(broker_cpu)
LS_BROKER=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
log "peer_stream: lakestream $(cat "$dir/measure.txt")"

# ---- Spark Structured Streaming ----------------------------------------------------------
SPARK_ROW=""
if [ "${PEER_STREAM_SKIP_SPARK:-0}" != 1 ]; then
  sdir="$WORK/spark"
  mkdir -p "$sdir/tmp"
  log "peer_stream: Spark Structured Streaming, local[2], availableNow ($MB MB), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  cpu0=$(broker_cpu)
  # Spark's own temp files (and its JVM's) under the work dir; its log on stderr.
  TMPDIR="$sdir/tmp" "${MEASURE[@]}" "$sdir/measure.txt" -- "$PY" "$ROOT/bench/spark_stream_bench.py" \
    --bootstrap "$BOOTSTRAP" --topic bench --table "$sdir/events" \
    --checkpoint "$sdir/checkpoint" --jars-dir "$JARS" --schema "$ROOT/bench/clickstream_schema.json" \
    --max-offsets 200000 --local-dir "$sdir/tmp" --driver-memory "$SPARK_MEMORY" \
    > "$sdir/out.txt" 2> "$sdir/spark.log" ||
    { tail -n 60 "$sdir/spark.log" >&2; die "Spark Structured Streaming failed (log: $sdir/spark.log)"; }
  cpu1=$(broker_cpu)
  SPARK_BROKER=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  log "peer_stream: $(cat "$sdir/out.txt") $(cat "$sdir/measure.txt")"
fi

# ---- both tables: every event once, the same values (read by delta-rs) ------------------
tables=("$dir/events")
[ "${PEER_STREAM_SKIP_SPARK:-0}" = 1 ] || tables+=("$WORK/spark/events")
"$PY" "$ROOT/bench/deltars_bench.py" rows "$EVENTS" "${tables[@]}" > "$WORK/check.txt" ||
  die "table check failed (see above)"
ROWS=$EVENTS
log "peer_stream: delta-rs finds $ROWS rows, each event once, the same sums in both tables"

row "lakestream ingest" "$dir/measure.txt" "$LS_BROKER" "$ROWS"
[ "${PEER_STREAM_SKIP_SPARK:-0}" = 1 ] || row "Spark 4.1 streaming" "$WORK/spark/measure.txt" "$SPARK_BROKER" "$ROWS"
printf '%-20s %7s %8s %7s %8s %8s %7s %8s %8s\n' tool MB wall_s MB/s cpu_s MB/cpu_s rss_MB \
  broker_s rows
for r in "${ROWS_OUT[@]}"; do echo "$r"; done
