#!/usr/bin/env bash
# Exactly once, end to end (issue 17): a fleet of simulated devices (`lakestream generate
# --to-collector`) -> `lakestream collect` -> a real Apache Kafka broker (its own, 127.0.0.1)
# -> `lakestream ingest` -> the Delta events table. During the run the collector is killed
# with SIGKILL COLLECT_E2E_KILLS times (default 10, every 2-4 s) and restarted on its spool and
# port, and the broker is SIGKILLed twice and restarted on its data (down 8 s, then ~20 s until
# it answers; the collector kills go on meanwhile, so they hit a spooling and a replaying
# collector too).
#
#   collect_e2e_test.sh LAKESTREAM
#
# The devices resend every batch that got no 2xx with the same event_ids until it gets one
# (the fleet fails if any batch is rejected or still unanswered at the end); they write every
# event_id answered 200/202 to `acked`. The test fails unless some requests went unanswered
# (the kills reached the devices) and some were answered 202 (spooled). The check: every acknowledged event is in the Delta
# table exactly once and nothing else is, read twice: with our reader (`lakestream cat`) and
# with DuckDB over the data files our snapshot lists (tests/node/delta_sql.mjs); the
# collector's enrichment (received_at, collector_id, client_ip) is in every row. How many
# event_ids the topic holds more than once (the duplicates docs/collector.md allows, removed by
# ingest's event_id dedup) is printed.
#
# Bounded (~2 min here): every wait has a deadline; everything started is stopped by PID on exit.
set -euo pipefail
BIN="${1:?lakestream binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
# shellcheck source=lib/stream_checks.sh
source "$HERE/lib/stream_checks.sh"
lib_init collect_e2e
KILLS=${COLLECT_E2E_KILLS:-10}
export LAKESTREAM_WRITE_KEY="e2e-write-key-0001"
TOPIC="collect-e2e-$$"
kafka_fixture_start 1 || fail "could not start Kafka"
at_exit kafka_fixture_stop
kafka_topics --create --topic "$TOPIC" --partitions 3 --replication-factor 1 > "$TMP/topic.log" 2>&1 ||
  fail "could not create $TOPIC: $(tail -n 2 "$TMP/topic.log")"

# ---- the collector ----------------------------------------------------------------------
write_config() {  # PORT
  cat > "$TMP/collect.yaml" <<YAML
listen: 127.0.0.1:$1
collector_id: e2e-collector
timeouts: {ack: 3s}
kafka: {brokers: "$KAFKA_BOOTSTRAP", properties: {reconnect.backoff.max.ms: "1000"}}
spool: {dir: "$TMP/spool", max_bytes: 256MB}
sources:
  - {name: fleet, key_env: LAKESTREAM_WRITE_KEY, topic: $TOPIC}
YAML
}
CSTARTS=0
start_collector() {
  CSTARTS=$((CSTARTS + 1))
  rm -f "$TMP/port"
  start_bg "$TMP/collect-$CSTARTS.log" "$BIN" collect --config "$TMP/collect.yaml" --port-file "$TMP/port"
  COLLECTOR=$BG_PID
  wait_port_file "$TMP/port" "$COLLECTOR" 60
}
write_config 0
start_collector
CPORT=$PORT
write_config "$CPORT"  # restarts keep the port, so the devices find the collector again
URL="http://127.0.0.1:$CPORT"

# ---- ingest (restarted when it exits, as serve's supervisor would) ----------------------
sc_init "$BIN" "$TMP"
sc_config "$TMP/ingest.yaml" "$TOPIC" "$TOPIC" "$KAFKA_BOOTSTRAP" "" "interval: 2s" || fail "ingest config"
# The collector's enrichment becomes columns too.
sed -i 's|^  - {name: properties, type: json}$|&\n  - {name: received_at, type: timestamp, nullable: false}\n  - {name: collector_id, type: string, nullable: false}\n  - {name: client_ip, type: string}|' \
  "$TMP/ingest.yaml"
grep -q "name: received_at" "$TMP/ingest.yaml" || fail "deploy/ingest-clickstream.yaml changed its properties column"
INGEST=""
INGEST_RUNS=0
supervise() {
  if [ -n "$INGEST" ] && kill -0 "$INGEST" 2>/dev/null; then return 0; fi
  if [ -n "$INGEST" ]; then
    local rc=0
    wait "$INGEST" || rc=$?
    log "ingest exited with $rc; restarting it"
  fi
  INGEST_RUNS=$((INGEST_RUNS + 1))
  [ "$INGEST_RUNS" -le 20 ] || fail "ingest restarted more than 20 times"
  start_bg "$TMP/ingest-$INGEST_RUNS.log" "$BIN" ingest --config "$TMP/ingest.yaml"
  INGEST=$BG_PID
}
supervise

# ---- the fleet, and the faults while it runs ---------------------------------------------
# 16 devices, batches of 10 at 800 events/s: ~80 requests/s, so kills land on requests in
# flight and on connection attempts while the collector is down. The fleet generates until
# the faults are over (SIGTERM), then resends what is unacknowledged (--drain).
start_bg "$TMP/fleet.log" "$BIN" generate --to-collector "$URL" --devices 16 --rate 800 --batch 10 \
  --flush-interval 500ms --duration 600s --drain 150s --seed 17 --acked "$TMP/acked"
FLEET=$BG_PID
metric() { curl -s --max-time 5 "$URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
acked_any() { [ "$(metric 'lakestream_collect_events_total{outcome="acked"}')" != "" ]; }
wait_until 60 "the first acknowledged events" acked_any
pause() { local until=$((SECONDS + $1)); while [ $SECONDS -lt $until ]; do supervise; sleep 0.5; done; }
BROKER_OUTAGES=0
BROKER_JOB=""
for i in $(seq 1 "$KILLS"); do
  pause "$(python3 -c 'import random; print(random.randint(2, 4))')"  # pacing, not synchronisation
  if [ "$i" = 3 ] || [ "$i" = 7 ]; then
    # Down ~8 s, then restarted in the background (it takes ~20 s to answer): the next
    # collector kills hit a collector that spools, and one that replays.
    [ -z "$BROKER_JOB" ] || wait "$BROKER_JOB" || fail "the broker did not come back"
    BROKER_OUTAGES=$((BROKER_OUTAGES + 1))
    log "killing the broker (outage $BROKER_OUTAGES of 2)"
    kafka_fixture_kill 1
    (sleep 8; kafka_fixture_restart 1 > "$TMP/broker-restart-$BROKER_OUTAGES.log" 2>&1) &
    BROKER_JOB=$!
  fi
  log "kill -9 collector ($i of $KILLS)"
  kill -9 "$COLLECTOR"
  wait "$COLLECTOR" 2>/dev/null || true
  start_collector
  [ "$PORT" = "$CPORT" ] || fail "the collector came back on port $PORT, not $CPORT"
done
wait "$BROKER_JOB" || fail "the broker did not come back: $(tail -n 3 "$TMP/broker-restart-$BROKER_OUTAGES.log")"
log "broker back; stopping the devices' generation (they resend what is unacknowledged)"
kill -0 "$FLEET" 2>/dev/null || fail "the fleet ended before the faults did: $(tail -n 3 "$TMP/fleet.log")"
kill -TERM "$FLEET"
while kill -0 "$FLEET" 2>/dev/null; do supervise; sleep 0.5; done
wait "$FLEET" || fail "the device fleet failed: $(tail -n 3 "$TMP/fleet.log")"
SUMMARY=$(tail -n 1 "$TMP/fleet.log")
log "$SUMMARY"
# The faults reached the devices: requests without an answer (resent) and 202s from the spool.
[[ "$SUMMARY" =~ no_answer=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
  fail "no request went unanswered: the kills did not hit the devices"
[[ "$SUMMARY" =~ status_202=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
  fail "nothing was spooled during the broker outages"
ACKED=$(sort -u "$TMP/acked" | wc -l)
[ "$ACKED" = "$(wc -l < "$TMP/acked")" ] || fail "an event_id was acknowledged twice"
[ "$ACKED" -gt 1000 ] || fail "only $ACKED events acknowledged"

spool_empty() { [ "$(metric lakestream_collect_spool_bytes)" = 0 ] && [ "$(metric lakestream_collect_spooling)" = 0 ]; }
wait_until 120 "the collector's spool to drain into the topic" spool_empty
log "collector: $(curl -s "$URL/metrics" | grep -E '^lakestream_collect_(events_total|spool_dropped)' | tr '\n' ' ')"
table_ids() { "$BIN" cat "$TMP/events" --columns event_id 2>/dev/null | wc -l; }
caught_up() { supervise; [ "$(table_ids)" -ge "$ACKED" ]; }
wait_until 180 "ingest to write $ACKED events" caught_up
pause 5  # a later duplicate would show up in the next micro-batches: let two more run
stop_pid "$INGEST"
[ "$STOP_RC" = 0 ] || fail "ingest exited $STOP_RC on SIGTERM"
stop_pid "$COLLECTOR"
[ "$STOP_RC" = 0 ] || fail "the collector exited $STOP_RC on SIGTERM"

# ---- the check ---------------------------------------------------------------------------
"$BIN" cat "$TMP/events" --columns event_id,received_at,collector_id,client_ip > "$TMP/ours.ndjson"
"$BIN" describe "$TMP/events" > "$TMP/describe.json"
"$BIN" files "$TMP/events" > "$TMP/files.ndjson"
node "$HERE/node/delta_sql.mjs" "$TMP/describe.json" "$TMP/files.ndjson" > "$TMP/table.sql"
printf 'SELECT event_id FROM (%s)' "$(cat "$TMP/table.sql")" > "$TMP/duck.sql"
node "$HERE/node/duckdb.mjs" --file "$TMP/duck.sql" > "$TMP/duck.ndjson" || fail "DuckDB could not read the table"
kafka__java org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic "$TOPIC" --from-beginning --timeout-ms 15000 2> "$TMP/consumer.log" |
  python3 -c 'import json,sys; [print(json.loads(l)["event_id"]) for l in sys.stdin if l.startswith("{")]' > "$TMP/topic_ids" || true
python3 - "$TMP" <<'PY' || fail "not exactly once (see above)"
import collections, json, sys
tmp = sys.argv[1]
acked = set(l.strip() for l in open(tmp + "/acked") if l.strip())
ok = True
for label, path in (("lakestream cat", "/ours.ndjson"), ("duckdb", "/duck.ndjson")):
    rows = [json.loads(l) for l in open(tmp + path) if l.strip()]
    counts = collections.Counter(r["event_id"] for r in rows)
    missing = acked - counts.keys()
    dups = {k: n for k, n in counts.items() if n > 1}
    extra = counts.keys() - acked
    print("%s: rows=%d distinct=%d acknowledged=%d missing=%d duplicated=%d unacknowledged=%d"
          % (label, len(rows), len(counts), len(acked), len(missing), len(dups), len(extra)))
    if missing: print("  missing, e.g.", sorted(missing)[:5])
    if dups: print("  duplicated, e.g.", sorted(dups.items())[:5])
    if extra: print("  never acknowledged, e.g.", sorted(extra)[:5])
    ok = ok and not missing and not dups and not extra
    if label == "lakestream cat":
        bad = [r for r in rows if r["collector_id"] != "e2e-collector" or r["client_ip"] != "127.0.0.0"
               or not r["received_at"]]
        if bad:
            print("  not enriched, e.g.", bad[:3])
            ok = False
topic = collections.Counter(l.strip() for l in open(tmp + "/topic_ids") if l.strip())
print("topic: records=%d distinct=%d event_ids more than once=%d (removed by ingest's dedup)"
      % (sum(topic.values()), len(topic), sum(1 for n in topic.values() if n > 1)))
sys.exit(0 if ok else 1)
PY
log "PASS: $KILLS collector kills, $BROKER_OUTAGES broker outages, $ACKED acknowledged events once each ($INGEST_RUNS ingest runs)"
