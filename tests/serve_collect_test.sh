#!/usr/bin/env bash
# `lakestream serve` with `collect: collect.yaml` runs the HTTP event collector (issue 17).
#
#   serve_collect_test.sh LAKESTREAM
#
# 1. serve (collect config named relative to serve.yaml) against the real broker: a POST to
#    the collector's own address answers 200 "durable":"broker", the events are in the topic,
#    serve's /readyz lists "collector":"ok" and serve's /metrics carries the collector's
#    request counter; SIGTERM stops serve (and the collector) with exit 0.
# 2. serve whose collector cannot reach its broker (a port nothing listens on) and whose spool
#    cannot hold a request: serve's /readyz turns 503 and names the collector.
#
# The collector listens on port 0; its bound port is read from serve's JSON log line
# ("component":"collect","msg":"listening"). Bounded: every wait has a deadline.
set -euo pipefail
BIN="${1:?lakestream binary}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
lib_init serve_collect_test
kafka_fixture_use || fail "could not start Kafka"
at_exit kafka_fixture_release
KEY="serve-collect-key-0001"
TOPIC="serve-collect-$$"
kafka_topics --create --topic "$TOPIC" --partitions 1 --replication-factor 1 > "$TMP/topic.log" 2>&1 ||
  fail "could not create $TOPIC: $(tail -n 2 "$TMP/topic.log")"

# DIR BROKERS SPOOL_MAX: serve.yaml and collect.yaml in DIR.
write_configs() {
  mkdir -p "$1"
  cat > "$1/collect.yaml" <<YAML
listen: 127.0.0.1:0
collector_id: serve-collector
timeouts: {ack: 3s}
limits: {batch: 64KB}
kafka: {brokers: "$2", properties: {reconnect.backoff.max.ms: "1000"}}
spool: {dir: "$1/spool", max_bytes: $3}
sources:
  - {name: web, key: $KEY, topic: $TOPIC}
YAML
  printf 'state_dir: %s/state\nhttp: 127.0.0.1:0\nlog: {format: json}\ncollect: collect.yaml\n' "$1" > "$1/serve.yaml"
}

collector_port() {  # SERVE_LOG: the collector's bound port, once it logged it
  python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("component") == "collect" and e.get("msg") == "listening":
        print(e["address"].rsplit(":", 1)[1])
        sys.exit(0)
sys.exit(1)
PY
}

start_serve() {  # DIR: sets SERVE, PORT (serve's) and CPORT (the collector's)
  start_bg "$1/serve.log" "$BIN" serve --config "$1/serve.yaml" --port-file "$1/port"
  SERVE=$BG_PID
  wait_port_file "$1/port" "$SERVE" 60
  wait_until 30 "the collector's listening line" eval "collector_port '$1/serve.log' > /dev/null"
  CPORT=$(collector_port "$1/serve.log")
}

# 1. Ready, accepting, its metrics in serve's.
write_configs "$TMP/a" "$KAFKA_BOOTSTRAP" 64MB
start_serve "$TMP/a"
log "serve on $PORT, its collector on $CPORT"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Content-Type: application/json" -H "X-Write-Key: $KEY" \
  --data '[{"event_id":"serve-e1","user_id":"u1"},{"event_id":"serve-e2","user_id":"u2"}]' \
  "http://127.0.0.1:$CPORT/v1/batch" || true)
[ "$code" = 200 ] || fail "POST /v1/batch answered $code: $(head -c 300 "$TMP/body")"
grep -q '"durable":"broker"' "$TMP/body" || fail "not acknowledged by the broker: $(cat "$TMP/body")"
log "ok POST: $(cat "$TMP/body")"
ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$PORT/readyz" | tr -d '\n' || true)
case "$ready" in *'"collector":"ok"'*' 200') log "ok /readyz: $ready" ;; *) fail "serve's /readyz: $ready" ;; esac
curl -s "http://127.0.0.1:$PORT/metrics" > "$TMP/metrics"
grep -q '^lakestream_collect_requests_total{code="200"} 1' "$TMP/metrics" ||
  fail "serve's /metrics lacks the collector's 200: $(grep lakestream_collect_requests "$TMP/metrics")"
kafka__java org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic "$TOPIC" --from-beginning --max-messages 2 --timeout-ms 20000 > "$TMP/topic.json" 2> "$TMP/consumer.log" || true
for id in serve-e1 serve-e2; do
  grep -q "\"event_id\":\"$id\"" "$TMP/topic.json" || fail "$id is not in the topic: $(cat "$TMP/topic.json")"
done
grep -q '"collector_id":"serve-collector"' "$TMP/topic.json" || fail "not enriched: $(cat "$TMP/topic.json")"
log "ok: both events in the topic"
stop_pid "$SERVE"
[ "$STOP_RC" = 0 ] || fail "serve exited $STOP_RC on SIGTERM"
curl -s -o /dev/null "http://127.0.0.1:$CPORT/healthz" && fail "the collector still answers after serve stopped"

# 2. Broker unreachable, spool too small for a request: not ready.
DEAD=$(kafka__free_port)
write_configs "$TMP/b" "127.0.0.1:$DEAD" 1KB
start_serve "$TMP/b"
not_ready() {
  local r
  r=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$PORT/readyz" || true)
  case "$r" in *'"collector":"broker unreachable and spool full"'*' 503') return 0 ;; esac
  return 1
}
wait_until 60 "serve's /readyz to name the unreachable collector" not_ready
log "ok /readyz: $(curl -s "http://127.0.0.1:$PORT/readyz")"
stop_pid "$SERVE"
[ "$STOP_RC" = 0 ] || fail "serve exited $STOP_RC on SIGTERM (broker away)"
log "PASS"
