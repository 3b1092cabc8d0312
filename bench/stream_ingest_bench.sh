#!/usr/bin/env bash
# Streaming ingest end to end: topic -> committed Delta table, beside DuckDB's
# NDJSON -> Parquet on the same events in the same run.
#
#   stream_ingest_bench.sh [BUILD_DIR]
#
# 1. Starts an Apache Kafka broker (tests/peers/kafka/kafka_fixture.sh, installed
#    by ./run deps; its log on local disk under /tmp) and creates the topic with
#    STREAM_BENCH_PARTITIONS partitions (default 12) for STREAM_BENCH_EVENTS
#    events (default 1,500,000, ~1.1 GB).
# 2. Pre-fills it with `lakestream generate --topic` (seed 42, no malformed
#    lines, no duplicates), so the ingest runs below are bound by the ingest
#    process and not by a producer.
# 3. STREAM_BENCH_REPEAT times (default 2), with a new consumer group and a
#    fresh table each time: `/usr/bin/time -v lakestream ingest --available-now`
#    (deploy/ingest-clickstream.yaml's 21 columns, partitioned by event_date,
#    dedup on event_id, trigger STREAM_BENCH_TRIGGER). Every run's table must
#    hold every event once (the first run checks distinct event_ids with
#    `lakestream cat`, later runs the row counts of the committed files).
#    The broker's CPU is read from /proc before and after each run.
# 4. DuckDB (tests/node/duckdb.mjs) converts the same events, written to an
#    NDJSON file, to one zstd Parquet file with explicit column types
#    (threads=2, best of STREAM_BENCH_REPEAT); its wall figure is the COPY
#    alone, its CPU figure the whole node process (/usr/bin/time).
#
# Printed per ingest run: payload MB; whole-process wall seconds and MB/s;
# active seconds (first partition assignment to last Delta commit, i.e.
# without start-up and the consumer-group join) and MB/s; process
# CPU seconds, MB per CPU second, the engine thread's CPU seconds (the
# critical path: poll, parse, dedup, commit) and the CPU-bound ceiling
# MB / max(engine thread CPU, process CPU / 2) that two idle cores would give;
# the broker's CPU seconds; peak RSS; batches; commit latency p50/p99.
# MB is 10^6 bytes. Binds 127.0.0.1 only; stops the broker it started by PID
# (the broker's JVM runs beside the ingest process on the same cores).
#    The config's user_profile dimension is dropped unless
#    STREAM_BENCH_DIMENSION=1 (then it lands in the run's work dir).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
BIN="$BUILD_DIR/lakestream"
EVENTS="${STREAM_BENCH_EVENTS:-1500000}"
PARTITIONS="${STREAM_BENCH_PARTITIONS:-12}"
REPEAT="${STREAM_BENCH_REPEAT:-2}"
DEFAULT_TRIGGER="{interval: 5s, max_records: 200000, max_bytes: 128MB}"
TRIGGER="${STREAM_BENCH_TRIGGER:-$DEFAULT_TRIGGER}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/stream"
DUCKDB=(node "$ROOT/tests/node/duckdb.mjs")
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ -x "$BIN" ] || die "$BIN not built"
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

log "stream: pre-filling topic bench ($PARTITIONS partitions) with $EVENTS events"
"$BIN" generate --events "$EVENTS" --seed 42 --malformed-rate 0 --duplicate-rate 0 \
  --topic bench --brokers "$BOOTSTRAP" 2> "$WORK/generate.log"
BYTES=$(sed -E 's/.* events, ([0-9]+) bytes.*/\1/' "$WORK/generate.log")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')

# STREAM_BENCH_DIMENSION=1 keeps the user_profile dimension (in the run's dir).
if [ "${STREAM_BENCH_DIMENSION:-0}" = 1 ]; then DIMENSION_SED=''; else DIMENSION_SED='/^dimension:/,$d'; fi
run_ingest() {  # run number
  local i=$1 dir="$WORK/run$1" summary cpu0 cpu1
  mkdir -p "$dir"
  sed -e "s|^  topic: clickstream|  topic: bench\n  group: bench-$i|" \
      -e "s|^  brokers: .*|  brokers: $BOOTSTRAP|" \
      -e "s|/tmp/lakestream/events_quarantine|$dir/quarantine|" \
      -e "s|/tmp/lakestream/events|$dir/events|" \
      -e "s|^trigger:.*|trigger: $TRIGGER|" \
      -e "$DIMENSION_SED" -e "s|/tmp/lakestream/user_profile|$dir/user_profile|" \
      "$ROOT/deploy/ingest-clickstream.yaml" > "$dir/ingest.yaml"
  log "stream: run $i: ingest --available-now ($MB MB), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  cpu0=$(broker_cpu)
  /usr/bin/time -v "$BIN" ingest --config "$dir/ingest.yaml" --available-now --quiet \
    > /dev/null 2> "$dir/ingest.log" || { cat "$dir/ingest.log" >&2; die "ingest failed"; }
  cpu1=$(broker_cpu)
  local rows
  if [ "$i" = 1 ]; then
    rows=$("$BIN" cat "$dir/events" --columns event_id | sort -u | wc -l)
  else
    rows=$("$BIN" files "$dir/events" | sed -E 's/.*"numRecords":([0-9]+).*/\1/' |
      awk '{ n += $1 } END { print n + 0 }')
  fi
  [ "$rows" = "$EVENTS" ] || die "run $i: table has $rows (distinct) rows, expected $EVENTS"
  summary=$(grep 'ingest: summary' "$dir/ingest.log")
  field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<< "$summary"; }
  awk -v mb="$MB" -v wall="$(field seconds)" -v active="$(field active_seconds)" \
      -v cpu="$(field cpu_seconds)" -v eng="$(field engine_thread_cpu_seconds)" \
      -v broker="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
      -v rss="$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$dir/ingest.log")" \
      -v batches="$(field batches)" -v p50="$(field commit_p50_ms)" -v p99="$(field commit_p99_ms)" \
      'BEGIN {
        bound = eng > cpu / 2 ? eng : cpu / 2;
        printf "%-18s %8.1f %7.2f %7.1f %7.2f %7.1f %6.2f %7.1f %6.2f %8.1f %7.2f %7.0f %5d %7.1f %7.1f\n",
          "lakestream ingest", mb, wall, mb / wall, active, mb / active, cpu, mb / cpu, eng,
          mb / bound, broker, rss, batches, p50, p99 }'
}

ROWS_OUT=()
for ((i = 1; i <= REPEAT; i++)); do ROWS_OUT+=("$(run_ingest "$i")"); done

# ---- DuckDB on the same events, same run -------------------------------------
DUCK_ROW="DuckDB: skipped (tests/node/node_modules missing; run ./run deps)"
if [ -d "$ROOT/tests/node/node_modules" ]; then
  INPUT="$WORK/events.ndjson"
  "$BIN" generate --events "$EVENTS" --seed 42 --malformed-rate 0 --duplicate-rate 0 \
    --out "$INPUT" --quiet
  COLUMNS=$(node -e '
    const schema = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const sql = { string: "VARCHAR", int32: "INTEGER", int64: "BIGINT", double: "DOUBLE",
                  timestamp: "TIMESTAMP", date: "DATE", boolean: "BOOLEAN", json: "JSON" };
    console.log("{" + schema.columns.map((c) => `${c.name}: '"'"'${sql[c.type]}'"'"'`).join(", ") + "}");
  ' "$ROOT/bench/clickstream_schema.json")
  best=""
  for ((i = 1; i <= REPEAT; i++)); do
    log "duckdb: NDJSON -> Parquet, threads=2, run $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$WORK/duckdb.parquet"
    /usr/bin/time -f 'cpu_seconds=%U %S' "${DUCKDB[@]}" --timing "SET threads=2;
      COPY (SELECT * FROM read_json('$INPUT', format='newline_delimited', columns=$COLUMNS))
      TO '$WORK/duckdb.parquet' (FORMAT parquet, COMPRESSION zstd)" > /dev/null 2> "$WORK/duckdb.err" ||
      { cat "$WORK/duckdb.err" >&2; die "duckdb failed"; }
    s=$(awk -F= '/^duckdb_ms=/ { printf "%.3f", $2 / 1000 }' "$WORK/duckdb.err")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$s
      # CPU of the whole node process (start-up and opening DuckDB included).
      best_cpu=$(sed -nE 's/^cpu_seconds=([0-9.]+) ([0-9.]+)$/\1 \2/p' "$WORK/duckdb.err" |
        awk '{ printf "%.2f", $1 + $2 }')
    fi
  done
  NDJSON_MB=$(awk -v b="$(stat -c %s "$INPUT")" 'BEGIN { printf "%.1f", b / 1e6 }')
  DUCK_ROW=$(awk -v mb="$NDJSON_MB" -v s="$best" -v cpu="$best_cpu" 'BEGIN {
    printf "%-18s %8.1f %7.2f %7.1f %7s %7s %6.2f %7.1f   (NDJSON file -> one Parquet file, threads=2; wall: the COPY alone; cpu: the node process)\n",
      "DuckDB json->pq", mb, s, mb / s, "-", "-", cpu, mb / cpu }')
  rm -f "$INPUT"
fi

printf '%-18s %8s %7s %7s %7s %7s %6s %7s %6s %8s %7s %7s %5s %7s %7s\n' tool MB wall_s MB/s \
  active_s MB/s cpu_s MB/cpu_s eng_s cpu_bound broker_s rss_MB batch p50_ms p99_ms
for row in "${ROWS_OUT[@]}"; do echo "$row"; done
echo "$DUCK_ROW"
