#!/usr/bin/env bash
# `./run demo`: a bounded tour of what lakestream does today, on this machine,
# with nothing else running. Every step prints what it did; the files stay in
# DEMO_DIR (default build/demo) to look at afterwards.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/build/lakestream"
DUCK=(node "$ROOT/tests/node/duckdb.mjs")
DIR="${DEMO_DIR:-$ROOT/build/demo}"
EVENTS="${DEMO_EVENTS:-100000}"
rm -rf "$DIR"
mkdir -p "$DIR"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# The first N lines of a command's output. Not `cmd | head`: with pipefail,
# the command dying of SIGPIPE once head has its lines fails the demo.
first_lines() {
  local n=$1
  shift
  "$@" > "$DIR/.out"
  head -n "$n" "$DIR/.out"
}

step "1. Generate $EVENTS clickstream events (1% malformed, 2% resent duplicates)"
"$BIN" generate --events "$EVENTS" --seed 7 --malformed-rate 0.01 --duplicate-rate 0.02 \
  --out "$DIR/events.ndjson"
head -c 400 "$DIR/events.ndjson"; echo " ..."

step "2. Typecast by column name and write Parquet (zstd, dictionary, statistics)"
"$BIN" parquet from-json --threads 2 --schema "$ROOT/bench/clickstream_schema.json" \
  "$DIR/events.ndjson" "$DIR/events.parquet"
printf 'NDJSON %s bytes -> Parquet %s bytes\n' "$(stat -c %s "$DIR/events.ndjson")" \
  "$(stat -c %s "$DIR/events.parquet")"

step "3. The file's schema and footer"
"$BIN" parquet schema "$DIR/events.parquet"
first_lines 30 "$BIN" parquet meta "$DIR/events.parquet"
echo "  ..."

step "4. Read it back (first 2 rows, 3 columns)"
"$BIN" parquet cat "$DIR/events.parquet" --columns event_id,event_type,event_time --limit 2

step "5. DuckDB, an independent reader, agrees"
"${DUCK[@]}" "SELECT event_type, count(*) AS events, round(sum(revenue), 2) AS revenue
  FROM read_parquet('$DIR/events.parquet') GROUP BY ALL ORDER BY revenue DESC NULLS LAST, events DESC LIMIT 5"

step "6. Land the events in a Delta table partitioned by country (bad records are reported, not written)"
TABLE="$DIR/events_delta"
"$BIN" write "$TABLE" --from-json "$DIR/events.ndjson" --schema "$ROOT/bench/clickstream_schema.json" \
  --partition-by country --app-id demo --app-version 1 --bad-records skip 2>&1 | tail -n 4
echo "Replaying the same write (same --app-id/--app-version) is a no-op:"
"$BIN" write "$TABLE" --from-json "$DIR/events.ndjson" --schema "$ROOT/bench/clickstream_schema.json" \
  --partition-by country --app-id demo --app-version 1 --bad-records skip 2>/dev/null
first_lines 12 "$BIN" describe "$TABLE"

step "7. Query with partition pruning and file statistics"
"$BIN" cat "$TABLE" --where "country = 'DE' AND duration_ms > 60000" \
  --columns event_id,country,duration_ms --limit 3 --stats

step "8. Delete, history, time travel"
"$BIN" delete "$TABLE" --where "event_type = 'scroll'"
first_lines 40 "$BIN" history "$TABLE" | grep -E '"(version|operation)"' || true
echo "rows now: $("$BIN" cat "$TABLE" --columns event_id | wc -l), at version 0: $("$BIN" cat "$TABLE" --version 0 --columns event_id | wc -l)"

step "9. Read a Delta table written by Spark (shared test data)"
SPARK="$ROOT/../shared/testdata/delta-rs/delta-0.8.0-partitioned"
if [ -d "$SPARK" ]; then
  "$BIN" cat "$SPARK" --limit 3
fi

step "10. Stream: Apache Kafka broker + generator -> ingest, exactly once, into Delta"
# A throwaway Apache Kafka broker (tests/peers/kafka, installed by ./run deps) on
# 127.0.0.1; --generate produces the events into its topic while `ingest` reads
# them. Bad records land in a quarantine table, resent events are dropped by the
# dedup window, progress is in the table's txn actions.
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$ROOT/tests/peers/kafka/kafka_fixture.sh"
trap kafka_fixture_release EXIT
kafka_fixture_use
echo "broker: $KAFKA_BOOTSTRAP"
kafka_topics --create --topic clickstream --partitions 4 --replication-factor 1 > /dev/null
STREAM_CFG="$DIR/ingest.yaml"
sed -e "s|/tmp/lakestream/|$DIR/stream_|g" -e "s|^  brokers: .*|  brokers: $KAFKA_BOOTSTRAP|" \
  "$ROOT/deploy/ingest-clickstream.yaml" > "$STREAM_CFG"
"$BIN" ingest --config "$STREAM_CFG" --available-now --generate "${DEMO_STREAM_EVENTS:-50000}" \
  --seed 7 --quiet 2> "$DIR/ingest.log"
# The engine's machine-readable lines, in words.
counts=$(grep -E '^ingest: [0-9]+ batches' "$DIR/ingest.log")
summary=$(grep '^ingest: summary' "$DIR/ingest.log")
num() { sed -E "s/.*[ ,:]([0-9]+) $1.*/\1/" <<< "$counts"; }
field() { sed -E "s|.* $1=([^ ]+).*|\1|" <<< "$summary"; }
printf 'events in:          %s\n' "$(num records)"
printf 'rows written:       %s\n' "$(num events)"
printf 'quarantined:        %s\n' "$(num quarantined)"
printf 'duplicates dropped: %s\n' "$(num duplicates)"
printf 'files:              %s (in %s batches)\n' "$(field files)" "$(field batches)"
printf 'MB/s:               %s over %ss (%s MB/s from the first partition assignment, after the\n' \
  "$(field MB/s)" "$(field seconds)" "$(field active_MB/s)"
printf '                    consumer-group join; the generator runs alongside)\n'
echo "events table:       $DIR/stream_events"
echo "quarantine table:   $DIR/stream_events_quarantine"
"$BIN" cat "$DIR/stream_events" --columns event_id,event_type,event_time,event_date --limit 3
"$BIN" cat "$DIR/stream_events_quarantine" --columns partition,offset,reason --limit 3
first_lines 12 "$BIN" describe "$DIR/stream_events"

step "Done. Files are in $DIR"
