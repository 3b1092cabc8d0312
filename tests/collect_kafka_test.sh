#!/usr/bin/env bash
# The collector (`lakestream collect`, issue 17) against a real Apache Kafka broker.
#
#   collect_kafka_test.sh LAKESTREAM MODE
#
# MODE http            every HTTP answer: 200 with the event in the topic, enriched (received_at,
#                      collector_id, client_ip truncated to /24, user_agent, event_id kept or
#                      assigned and flagged); 401, 403, 413, 415, 400, 405, 429 with reasons; the
#                      CORS preflight; a zip bomb (64 MiB of zeros gzip'd) refused with 413; a
#                      slowloris header cut off by the header timeout; COLLECT_IDLE (default 5000)
#                      idle keep-alive connections held, then each answered.
# MODE broker-restart  devices post batches (tests/tools/collect_load.py) while the broker is
#                      SIGKILLed, stays down 10 s, and comes back on its data: requests get 202
#                      from the spool, which is replayed when the broker is back.
# MODE kill9           the collector is SIGKILLed five times at random moments under load and
#                      restarted on the same spool and port each time.
#
# The load modes then check, from the topic (Kafka's console consumer): every event_id that
# got a 200 or 202 is in the topic; they print how many appear more than once (the duplicates
# docs/collector.md describes, removed downstream by event_id), and fail if an event_id is in
# the topic that no device sent.
#
# Bounded: every wait has a deadline; everything started is stopped by PID on exit.
set -euo pipefail
BIN="$1"
MODE="${2:?usage: collect_kafka_test.sh LAKESTREAM MODE}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
lib_init "collect_kafka_$MODE"
KEY="test-write-key-0001"
SLOW_KEY="test-slow-key-0002"
TOPIC="collect-$MODE-$$"

case "$MODE" in
  broker-restart) kafka_fixture_start 1 || fail "could not start Kafka"; at_exit kafka_fixture_stop ;;
  http|kill9) kafka_fixture_use || fail "could not start Kafka"; at_exit kafka_fixture_release ;;
  *) fail "unknown mode '$MODE' (http, broker-restart, kill9)" ;;
esac
kafka_topics --create --topic "$TOPIC" --partitions 3 --replication-factor 1 > "$TMP/topic.log" 2>&1 ||
  fail "could not create $TOPIC: $(tail -n 2 "$TMP/topic.log")"

write_config() {  # PORT
  cat > "$TMP/collect.yaml" <<YAML
listen: 127.0.0.1:$1
collector_id: test-collector
timeouts: {header: 2s, body: 5s, idle: 120s, ack: 3s}
limits: {batch: 256KB, event: 8KB}
kafka: {brokers: "$KAFKA_BOOTSTRAP"}
spool: {dir: "$TMP/spool", max_bytes: 256MB}
sources:
  - {name: web, key: $KEY, topic: $TOPIC, origins: [https://shop.example]}
  - {name: slow, key: $SLOW_KEY, topic: $TOPIC, rate_limit: 1, burst: 2}
YAML
}

start_collector() {
  rm -f "$TMP/port"
  start_bg "$TMP/collect-$1.log" "$BIN" collect --config "$TMP/collect.yaml" --port-file "$TMP/port"
  COLLECTOR=$BG_PID
  wait_port_file "$TMP/port" "$COLLECTOR" 60
}

write_config 0
start_collector 0
URL="http://127.0.0.1:$PORT"
write_config "$PORT"  # restarts keep the port, so devices find the collector again
log "collector on $URL, topic $TOPIC"

topic_ids() {  # the event_ids in the topic, one per line
  kafka__java org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
    --topic "$TOPIC" --from-beginning --timeout-ms 20000 > "$TMP/topic.json" 2> "$TMP/consumer.log" || true
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"): print(json.loads(line)["event_id"])  # not the tool'"'"'s log lines
' "$TMP/topic.json"
}

post() {  # STATUS_VAR BODY_FILE CURL_ARGS...
  curl -s -o "$TMP/body" -w '%{http_code}' "$@" || true
}

expect() {  # WANT REASON_SUBSTRING CURL_ARGS...
  local want="$1" reason="$2" got
  shift 2
  got=$(post "$@")
  [ "$got" = "$want" ] || fail "expected $want, got $got ($(head -c 300 "$TMP/body")) for: $*"
  grep -qF -- "$reason" "$TMP/body" || fail "answer $want lacks '$reason': $(head -c 300 "$TMP/body")"
  log "ok $want: $reason"
}

if [ "$MODE" = http ]; then
  J=(-H "Content-Type: application/json")
  expect 200 '"durable":"broker"' "${J[@]}" -H "X-Write-Key: $KEY" -A "probe/1.0" \
    --data '[{"event_id":"kept-1","user_id":"u1"},{"type":"no-id"}]' "$URL/v1/batch"
  expect 401 "no write key" "${J[@]}" --data '[{"a":1}]' "$URL/v1/batch"
  expect 401 "unknown write key" "${J[@]}" -H "X-Write-Key: nope-nope-nope" --data '[{"a":1}]' "$URL/v1/batch"
  expect 403 "is not allowed" "${J[@]}" -H "X-Write-Key: $KEY" -H "Origin: https://evil.example" \
    --data '[{"a":1}]' "$URL/v1/batch"
  expect 415 "application/xml" -H "Content-Type: application/xml" -H "X-Write-Key: $KEY" --data '<a/>' "$URL/v1/batch"
  expect 415 "'br'" "${J[@]}" -H "Content-Encoding: br" -H "X-Write-Key: $KEY" --data 'x' "$URL/v1/batch"
  python3 -c 'print("[" + ",".join("{\"pad\":\"%s\"}" % ("x" * 4000) for _ in range(80)) + "]")' > "$TMP/big.json"
  expect 413 "limit" "${J[@]}" -H "X-Write-Key: $KEY" --data-binary "@$TMP/big.json" "$URL/v1/batch"
  python3 -c 'print("[{\"pad\":\"%s\"}]" % ("x" * 9000))' > "$TMP/bigevent.json"
  expect 413 "event 0" "${J[@]}" -H "X-Write-Key: $KEY" --data-binary "@$TMP/bigevent.json" "$URL/v1/batch"
  expect 400 "not JSON" "${J[@]}" -H "X-Write-Key: $KEY" --data '[{"a":' "$URL/v1/batch"
  printf '[{"name":"caf\xe9"}]' > "$TMP/latin1.json"
  expect 400 "UTF-8" "${J[@]}" -H "X-Write-Key: $KEY" --data-binary "@$TMP/latin1.json" "$URL/v1/batch"
  expect 405 "POST" "$URL/v1/batch?wk=$KEY"
  expect 200 '"accepted":3' "${J[@]}" -H "X-Write-Key: $SLOW_KEY" --data '[{"a":1},{"a":2},{"a":3}]' "$URL/v1/batch"
  expect 429 "rate limit" "${J[@]}" -H "X-Write-Key: $SLOW_KEY" --data '[{"a":1}]' "$URL/v1/batch"
  got=$(post -X OPTIONS -H "Origin: https://shop.example" -H "Access-Control-Request-Method: POST" -D "$TMP/h" "$URL/v1/batch")
  [ "$got" = 204 ] && grep -qi "access-control-allow-origin: https://shop.example" "$TMP/h" ||
    fail "CORS preflight: $got $(cat "$TMP/h")"
  log "ok 204: CORS preflight"
  zb=$(python3 "$HERE/tools/collect_probe.py" zipbomb 127.0.0.1 "$PORT" "$KEY")
  # Refused by a decoding cap (the output cap here: 64 KiB x 100 is over limits.batch), early.
  case "$zb" in 413*"gzip body"*) log "ok zip bomb: $zb" ;; *) fail "zip bomb: $zb" ;; esac
  python3 "$HERE/tools/collect_probe.py" slowloris 127.0.0.1 "$PORT" > "$TMP/slow.txt" ||
    fail "slowloris: $(cat "$TMP/slow.txt")"
  log "ok $(cat "$TMP/slow.txt")"
  python3 "$HERE/tools/collect_probe.py" idle 127.0.0.1 "$PORT" "${COLLECT_IDLE:-5000}" > "$TMP/idle.txt" ||
    fail "idle connections: $(cat "$TMP/idle.txt")"
  log "ok $(tr '\n' ' ' < "$TMP/idle.txt")"
  kill -0 "$COLLECTOR" || fail "the collector died"
  topic_ids > "$TMP/ids"
  grep -qx "kept-1" "$TMP/ids" || fail "kept-1 is not in the topic"
  python3 - "$TMP/topic.json" <<'PY' || fail "enrichment: see above"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
kept = [e for e in evs if e["event_id"] == "kept-1"][0]
assigned = [e for e in evs if e.get("type") == "no-id"][0]
assert kept["collector_id"] == "test-collector", kept
assert kept["client_ip"] == "127.0.0.0", kept
assert kept["user_agent"] == "probe/1.0", kept
assert kept["received_at"].endswith("Z"), kept
assert "event_id_assigned" not in kept, kept
assert assigned["event_id_assigned"] is True and len(assigned["event_id"]) == 36, assigned
print("enrichment ok:", json.dumps(kept))
PY
  stop_pid "$COLLECTOR"
  [ "$STOP_RC" = 0 ] || fail "the collector exited $STOP_RC on SIGTERM"
  log "PASS"
  exit 0
fi

# Load modes.
LOAD_SECONDS=${COLLECT_LOAD_SECONDS:-40}
start_bg "$TMP/load.log" python3 "$HERE/tools/collect_load.py" --url "$URL" --key "$KEY" \
  --devices 8 --batch 20 --seconds "$LOAD_SECONDS" --grace 90 --acked "$TMP/acked" --run-id "$MODE$$"
LOAD=$BG_PID
metric() { curl -s "$URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
events_acked() { local v; v=$(metric 'lakestream_collect_events_total{outcome="acked"}'); echo "${v:-0}"; }
wait_until 60 "the first acknowledged events" bash -c "[ \"\$(curl -s $URL/metrics | grep -c 'outcome=\"acked\"')\" -gt 0 ]"

if [ "$MODE" = broker-restart ]; then
  sleep 8  # let load run before the fault (pacing, not synchronisation)
  log "killing the broker"
  kafka_fixture_kill 1
  wait_until 60 "requests going to the spool" bash -c "curl -s $URL/metrics | grep -q '^lakestream_collect_spooling 1'"
  curl -s "$URL/readyz" > "$TMP/readyz.txt" || true
  sleep 10  # the outage
  log "restarting the broker"
  kafka_fixture_restart 1 || fail "the broker did not come back"
else
  for i in 1 2 3 4 5; do
    sleep "$(python3 -c 'import random; print(round(random.uniform(1.5, 5), 2))')"
    log "kill -9 collector ($i of 5)"
    kill -9 "$COLLECTOR"
    wait "$COLLECTOR" 2>/dev/null || true
    start_collector "$i"
    [ "$PORT" = "${URL##*:}" ] || fail "the collector came back on port $PORT"
  done
fi
wait "$LOAD" || fail "the load generator failed: $(tail -n 5 "$TMP/load.log")"
log "$(tail -n 1 "$TMP/load.log")"
wait_until 120 "the spool replayed" bash -c "curl -s $URL/metrics | grep -q '^lakestream_collect_spooling 0'"
wait_until 60 "the spool empty" bash -c "curl -s $URL/metrics | grep -q '^lakestream_collect_spool_bytes 0'"
log "metrics: $(curl -s "$URL/metrics" | grep -E '^lakestream_collect_(events_total|spool_dropped)' | tr '\n' ' ')"
topic_ids > "$TMP/ids"
python3 - "$TMP/acked" "$TMP/ids" "$MODE$$" <<'PY' || fail "the topic lacks acknowledged events (see above)"
import collections, sys
acked = set(l.strip() for l in open(sys.argv[1]) if l.strip())
ids = [l.strip() for l in open(sys.argv[2]) if l.strip()]
counts = collections.Counter(ids)
missing = acked - counts.keys()
dups = sum(1 for c in counts.values() if c > 1)
foreign = [i for i in counts if not i.startswith(sys.argv[3] + "-")]
print("check: acknowledged=%d in_topic=%d distinct=%d missing=%d duplicated_ids=%d unacked_but_present=%d"
      % (len(acked), len(ids), len(counts), len(missing), dups, len(counts.keys() - acked)))
if missing:
    print("missing, e.g.:", sorted(missing)[:5])
if foreign:
    print("never sent, e.g.:", foreign[:5])
sys.exit(1 if missing or foreign or not acked else 0)
PY
stop_pid "$COLLECTOR"
[ "$STOP_RC" = 0 ] || fail "the collector exited $STOP_RC on SIGTERM"
log "PASS"
