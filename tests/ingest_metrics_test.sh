#!/usr/bin/env bash
# `lakestream ingest --http`: after a known ingest (20000 generated events with
# duplicates and malformed records, produced by `ingest --generate` into a topic on
# the real Kafka broker), /metrics reports exactly what the job's own summary
# reports; /healthz and /readyz answer; SIGTERM ends the job cleanly.
set -euo pipefail
LAKESTREAM="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$ROOT/tests/peers/kafka/kafka_fixture.sh"
source "$ROOT/tests/lib.sh"
lib_init ingest_metrics_test
WORK=$TMP
at_exit kafka_fixture_release

kafka_fixture_use || fail "no Kafka broker"
TOPIC="ingest-metrics-$$"
kafka_topics --create --topic "$TOPIC" --partitions 4 --replication-factor 1 > "$WORK/topic.log" 2>&1 ||
  fail "creating topic $TOPIC: $(cat "$WORK/topic.log")"
sed -e "s#/tmp/lakestream/#$WORK/#g" -e 's#interval: 5s#interval: 1s#' \
  -e "s#^  topic: clickstream#  topic: $TOPIC\n  group: $TOPIC#" -e "s#^  brokers: .*#  brokers: $KAFKA_BOOTSTRAP#" \
  "$ROOT/deploy/ingest-clickstream.yaml" > "$WORK/pipeline.yaml"
start_bg "$WORK/ingest.log" "$LAKESTREAM" --log-format json ingest --config "$WORK/pipeline.yaml" \
  --generate 20000 --malformed-rate 0.02 --duplicate-rate 0.03 --max-seconds 300 \
  --http 127.0.0.1:0 --port-file "$WORK/ingest.port"
PID=$BG_PID
wait_port_file "$WORK/ingest.port" "$PID"
[ "$(curl -sf "http://127.0.0.1:$PORT/healthz")" = ok ] || fail "healthz"

metric() { sed -n "s/^$1{pipeline=\"clickstream\"} //p" "$WORK/metrics.txt"; }
# Done when all 20000 records were consumed and the group has no lag left.
drained() {
  curl -sf "http://127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt" || true
  [ "$(metric lakestream_stream_records_consumed_total)" = 20000 ] &&
    [ "$(metric lakestream_stream_consumer_lag_total)" = 0 ]
}
wait_until 150 "all 20000 records consumed with no lag" drained
[ "$(metric lakestream_stream_records_consumed_total)" = 20000 ] || fail "not all records consumed"
[ "$(metric lakestream_stream_consumer_lag_total)" = 0 ] || fail "lag not 0"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] || fail "readyz"

stop_pid "$PID" TERM
[ "$STOP_RC" = 0 ] || fail "ingest exited $STOP_RC after SIGTERM"
summary=$(grep -o 'ingest: [0-9]* batches, 20000 records: [0-9]* events, [0-9]* duplicates dropped, [0-9]* quarantined' "$WORK/ingest.log") ||
  fail "no summary line"
read -r batches events dups quarantined < <(echo "$summary" |
  sed -E 's/ingest: ([0-9]+) batches, 20000 records: ([0-9]+) events, ([0-9]+) duplicates dropped, ([0-9]+) quarantined/\1 \2 \3 \4/')
[ "$(metric lakestream_stream_records_written_total)" = "$events" ] || fail "written != $events"
[ "$(metric lakestream_stream_records_deduplicated_total)" = "$dups" ] || fail "deduplicated != $dups"
[ "$(metric lakestream_stream_records_quarantined_total)" = "$quarantined" ] || fail "quarantined != $quarantined"
[ "$(metric lakestream_stream_batches_total)" = "$batches" ] || fail "batches != $batches"
[ "$(metric lakestream_stream_commit_latency_seconds_count)" = "$batches" ] || fail "commit latency count"
[ "$dups" -gt 0 ] && [ "$quarantined" -gt 0 ] || fail "the generator made no duplicates or bad records"
table_rows=$("$LAKESTREAM" cat "$WORK/events" --columns event_id | wc -l)
[ "$table_rows" = "$events" ] || fail "table has $table_rows rows, metrics say $events"
echo "ingest_metrics_test: OK ($events written, $dups deduplicated, $quarantined quarantined in $batches batches; metrics = summary = table)"
