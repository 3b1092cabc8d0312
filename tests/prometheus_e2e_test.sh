#!/usr/bin/env bash
# Monitoring end to end with the real Debian Prometheus and Alertmanager:
# Prometheus scrapes `lakestream serve` (a live stream from the real Kafka broker,
# tests/peers/kafka, fed 5000 events by `lakestream generate --topic`),
# evaluates deploy/prometheus/lakestream-rules.yml (with `for:` shortened so
# the test stays bounded), and when the stream is stopped
# (POST /api/stream/stop) the LakestreamStreamDown alert fires and reaches
# Alertmanager, which delivers it to a local webhook receiver.
# Everything binds 127.0.0.1 and is stopped by PID. serve and the webhook receiver bind port 0
# and publish the port they got; Prometheus and Alertmanager (not ours: no port file) get a
# free port picked just before they start.
set -euo pipefail
LAKESTREAM="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
source "$HERE/lib.sh"
lib_init prometheus_e2e_test
WORK=$TMP
at_exit kafka_fixture_release
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Webhook receiver for Alertmanager.
start_bg "$WORK/sinks.log" /usr/bin/python3 "$HERE/notify_sinks.py" "$WORK"
wait_until 20 "the webhook receiver's ports file" test -s "$WORK/ports"
HOOK_PORT=$(sed -E 's/.*webhook=([0-9]+).*/\1/' "$WORK/ports")

# lakestream serve: the stream from a topic of this test's own on the broker, 5000 generated
# events in it.
kafka_fixture_use || fail "no Kafka broker"
TOPIC="prometheus-e2e-$$"
kafka_topics --create --topic "$TOPIC" --partitions 2 --replication-factor 1 > "$WORK/topic.log" 2>&1 ||
  fail "creating topic $TOPIC: $(cat "$WORK/topic.log")"
"$LAKESTREAM" generate --events 5000 --seed 5 --topic "$TOPIC" --brokers "$KAFKA_BOOTSTRAP" \
  --quiet || fail "generate into $TOPIC"
sed -e "s#/tmp/lakestream/#$WORK/tables/#g" -e 's#interval: 5s#interval: 1s#' \
  -e "s#^  topic: clickstream#  topic: $TOPIC\n  group: $TOPIC#" -e "s#^  brokers: .*#  brokers: $KAFKA_BOOTSTRAP#" \
  "$ROOT/deploy/ingest-clickstream.yaml" > "$WORK/pipeline.yaml"
cat > "$WORK/serve.yaml" <<YAML
pipeline: pipeline.yaml
state_dir: $WORK/state
http: 127.0.0.1:0
log: {format: json}
stream: {lag_interval: 1s}
YAML
# The control API needs its token (docs/security.md).
export LAKESTREAM_API_TOKEN="prom-e2e-$RANDOM-$RANDOM"
start_bg "$WORK/serve.log" "$LAKESTREAM" serve --config "$WORK/serve.yaml" --port-file "$WORK/serve.port"
SERVE_PID=$BG_PID
wait_port_file "$WORK/serve.port" "$SERVE_PID" 30
SERVE_PORT=$PORT

# Alertmanager: everything to the webhook receiver, quickly.
AM_PORT=$(free_port)
cat > "$WORK/alertmanager.yml" <<YAML
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: "http://127.0.0.1:$HOOK_PORT/alertmanager"
YAML
amtool check-config "$WORK/alertmanager.yml" >/dev/null
start_bg "$WORK/alertmanager.log" prometheus-alertmanager --config.file="$WORK/alertmanager.yml" \
  --storage.path="$WORK/am" --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address=""

# Prometheus: 1 s scrape and evaluation; the shipped rules with for: 3s.
PROM_PORT=$(free_port)
sed -E 's/^( +)for: .*/\1for: 3s/' "$ROOT/deploy/prometheus/lakestream-rules.yml" > "$WORK/rules.yml"
cat > "$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:$AM_PORT"]}]
scrape_configs:
  - job_name: lakestream
    static_configs: [{targets: ["127.0.0.1:$SERVE_PORT"]}]
YAML
promtool check config "$WORK/prometheus.yml" >/dev/null
start_bg "$WORK/prometheus.log" prometheus --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/prom" --web.listen-address="127.0.0.1:$PROM_PORT"

# PromQL instant query -> the first sample's value (empty when none).
query() {
  curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
    /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
is() { [ "$(query "$1" 2>/dev/null)" = "$2" ]; }
positive() { v=$(query "$1" 2>/dev/null); [ -n "$v" ] && /usr/bin/python3 -c "import sys; sys.exit(0 if float('$v') > 0 else 1)"; }

wait_until 60 "Prometheus does not scrape serve" is 'up{job="lakestream"}' 1
wait_until 90 "Prometheus to see the 5000 events written" is 'lakestream_stream_records_written_total' 5000
positive 'lakestream_stream_last_commit_timestamp_seconds' || fail "no last commit time"
is 'lakestream_stream_up' 1 || fail "stream not up"
is 'count(ALERTS{alertname="LakestreamStreamDown"})' "" || fail "alert fired while the stream runs"

# Stop the stream (serve stays up) -> lakestream_stream_up 0 -> alert.
curl -sf -X POST -H "Authorization: Bearer $LAKESTREAM_API_TOKEN" -d "" \
  "http://127.0.0.1:$SERVE_PORT/api/stream/stop" > /dev/null || fail "stop API"
[ "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$SERVE_PORT/readyz")" = 503 ] ||
  fail "readyz is not 503 with the stream stopped"
wait_until 60 "Prometheus did not see the stream stop" is 'lakestream_stream_up' 0
wait_until 60 "LakestreamStreamDown did not fire in Prometheus" is 'ALERTS{alertname="LakestreamStreamDown",alertstate="firing"}' 1
am_has_alert() {
  curl -sf "http://127.0.0.1:$AM_PORT/api/v2/alerts" | grep '"alertname":"LakestreamStreamDown"' > /dev/null
}
wait_until 60 "Alertmanager did not receive LakestreamStreamDown" am_has_alert
delivered() { grep -q '"alertname": *"LakestreamStreamDown"' "$WORK/webhook.jsonl" 2>/dev/null; }
wait_until 60 "Alertmanager did not deliver the alert to the webhook" delivered
grep -q '"status": *"firing"' "$WORK/webhook.jsonl" || fail "delivered alert is not firing"
grep -q 'docs/runbook.md#lakestreamstreamdown' "$WORK/webhook.jsonl" || fail "runbook link missing"
# Start the stream again, then SIGTERM serve: exit 0, and every row in the
# events table is accounted for by a committed batch in the run log (no
# partial commit, no lost run-log row).
curl -sf -X POST -H "Authorization: Bearer $LAKESTREAM_API_TOKEN" -d "" \
  "http://127.0.0.1:$SERVE_PORT/api/stream/start" > /dev/null || fail "start API"
stream_up() { curl -sf "http://127.0.0.1:$SERVE_PORT/metrics" | grep '^lakestream_stream_up{pipeline="clickstream"} 1$' > /dev/null; }
wait_until 30 "stream did not start again" stream_up
stop_pid "$SERVE_PID" TERM
[ "$STOP_RC" = 0 ] || fail "serve exited $STOP_RC after SIGTERM"
grep -q '"msg":"stopped"' "$WORK/serve.log" || fail "no clean shutdown in the log"
table_rows=$("$LAKESTREAM" cat "$WORK/tables/events" --columns event_id | wc -l)
logged_rows=$("$LAKESTREAM" runs --state-dir "$WORK/state" 2>/dev/null |
  awk '$2 == "stream" && $3 == "ok" { s += $4 } END { print s + 0 }')
[ "$table_rows" -ge 5000 ] || fail "events table has $table_rows rows"
[ "$table_rows" = "$logged_rows" ] ||
  fail "events table has $table_rows rows but the run log's batches say $logged_rows"
echo "prometheus_e2e_test: OK (scraped 5000 events; stream stopped -> LakestreamStreamDown firing in Prometheus, Alertmanager, webhook)"
