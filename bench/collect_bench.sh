#!/usr/bin/env bash
# The collector (`lakestream collect`) beside Kafka's own producer, on the same broker, in the
# same run.
#
#   collect_bench.sh [BUILD_DIR]
#
# 1. Starts one Apache Kafka broker (tests/peers/kafka/kafka_fixture.sh, 127.0.0.1, stopped by
#    PID on exit) and topic collect-bench with COLLECT_BENCH_PARTITIONS partitions (default 6).
# 2. Peer: kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) sends
#    COLLECT_BENCH_PEER_RECORDS (default 2,000,000) records of ~700 B with acks=all,
#    idempotence and linger.ms=5, as the collector produces: the broker's limit here.
# 3. lakestream collect on the same broker; wrk (Debian) posts 50-event JSON batches (~700 B
#    an event) for COLLECT_BENCH_SECONDS (default 20) with COLLECT_BENCH_CONNECTIONS (default
#    64) connections, then a lighter run with a quarter of them. Each answer is a 200 (the
#    broker acknowledged) or 202 (spooled): the collector's requests_total{code} says how
#    many of each (wrk's Lua counts nothing per response: it would cost wrk CPU on this box).
# 4. COLLECT_BENCH_IDLE (default 10000) idle keep-alive connections held open, then each
#    answered (tests/tools/collect_probe.py idle).
#
# Prints one row per run: events/s, MB/s (10^6 bytes of event JSON), p50/p99 latency, the
# collector's CPU seconds per million events (user+sys from /proc). wrk's latency is per
# request (one 50-event batch); the peer's is per record.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
BIN="$BUILD_DIR/lakestream"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/collect"
SECONDS_RUN="${COLLECT_BENCH_SECONDS:-20}"
CONNS="${COLLECT_BENCH_CONNECTIONS:-64}"
PEER_RECORDS="${COLLECT_BENCH_PEER_RECORDS:-2000000}"
PARTITIONS="${COLLECT_BENCH_PARTITIONS:-6}"
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "collect_bench: error: $*"; exit 1; }
[ -x "$BIN" ] || die "$BIN not built"
command -v wrk > /dev/null || die "wrk not found; run ./run deps"
# shellcheck source=../tests/peers/kafka/kafka_fixture.sh
source "$ROOT/tests/peers/kafka/kafka_fixture.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COLLECTOR=""
cleanup() {
  [ -n "$COLLECTOR" ] && kill "$COLLECTOR" 2>/dev/null && wait "$COLLECTOR" 2>/dev/null
  kafka_fixture_stop
}
trap cleanup EXIT

kafka_fixture_start 1 || die "the Kafka broker did not start"
kafka_topics --create --topic collect-bench --partitions "$PARTITIONS" --replication-factor 1 \
  > "$WORK/topic.log" 2>&1 || { cat "$WORK/topic.log" >&2; die "creating the topic"; }

log "peer: kafka-producer-perf-test, $PEER_RECORDS records of 700 B"
kafka__java org.apache.kafka.tools.ProducerPerformance --topic collect-bench \
  --num-records "$PEER_RECORDS" --record-size 700 --throughput -1 \
  --producer-props bootstrap.servers="$KAFKA_BOOTSTRAP" acks=all enable.idempotence=true \
  linger.ms=5 compression.type=lz4 > "$WORK/peer.txt" 2>&1 || { tail "$WORK/peer.txt" >&2; die "perf test"; }
PEER=$(grep "records sent" "$WORK/peer.txt" | tail -n 1)

cat > "$WORK/collect.yaml" <<YAML
listen: 127.0.0.1:0
collector_id: bench
threads: 2
limits: {batch: 1MB, event: 32KB}
kafka: {brokers: "$KAFKA_BOOTSTRAP", properties: {compression.type: lz4}}
spool: {dir: "$WORK/spool"}
sources:
  - {name: bench, key: bench-write-key-1, topic: collect-bench}
YAML
"$BIN" collect --config "$WORK/collect.yaml" --port-file "$WORK/port" > "$WORK/collect.log" 2>&1 &
COLLECTOR=$!
for _ in $(seq 1 600); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || die "the collector did not start: $(tail -n 5 "$WORK/collect.log")"
PORT=$(cat "$WORK/port")

# A 50-event batch of ~700 B events (a clickstream-like shape), the same body every request.
python3 - "$WORK/post.lua" <<'PY'
import json, sys
events = [{"event_id": "bench-%05d" % i, "user_id": "user-%04d" % (i * 7919 % 5000),
           "event_type": "page_view", "event_time": "2026-12-03T12:00:00.000Z",
           "page_url": "https://shop.example/products/%d?ref=home&utm_source=newsletter" % i,
           "referrer": "https://www.example-search.com/search?q=running+shoes+%d" % i,
           "session_id": "sess-%08d" % (i * 31), "device": {"os": "Android 14", "browser":
           "Chrome 131", "screen": "1080x2400", "locale": "de-DE"},
           "properties": {"product_id": "p-%06d" % i, "price": 79.95, "currency": "EUR",
                          "category": "footwear/running", "position": i, "list": "search results"},
           "pad": "x" * 140} for i in range(50)]
body = json.dumps(events)
open(sys.argv[1], "w").write(
    'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
    'wrk.headers["X-Write-Key"] = "bench-write-key-1"\n'
    'done = function(summary, latency, requests)\n'
    '  io.write(string.format("p50_ms %%.2f p99_ms %%.2f\\n", latency:percentile(50) / 1000, '
    'latency:percentile(99) / 1000))\nend\n' % json.dumps(body))
print("event bytes: %d per batch of 50" % len(body), file=sys.stderr)
PY
BATCH_BYTES=$(python3 -c 'import re,sys; s=open(sys.argv[1]).read(); print(len(eval(re.search(r"wrk.body = (\".*\")", s).group(1))))' "$WORK/post.lua")

cpu_s() { awk '{print ($14 + $15) / 100}' "/proc/$COLLECTOR/stat"; }
run_wrk() {  # CONNECTIONS LABEL
  local c0 c1 out reqs rps p50 p99 ok spooled
  c0=$(cpu_s)
  out=$(wrk -t2 -c"$1" -d"${SECONDS_RUN}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/batch")
  c1=$(cpu_s)
  echo "$out" > "$WORK/wrk-$1.txt"
  rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '/^p50_ms/ {print $2}')
  p99=$(echo "$out" | awk '/^p50_ms/ {print $4}')
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  local non2xx
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  python3 -c '
import sys
rps, p50, p99, reqs, cpu, label, bb, bad = sys.argv[1:]
ev = float(rps) * 50
mil = float(reqs) * 50 / 1e6
print("%-34s %10.0f ev/s %7.1f MB/s  p50 %6.2f ms  p99 %6.2f ms  %6.2f CPU s/M events  non-2xx %s" % (
    label, ev, float(rps) * int(bb) / 1e6, float(p50), float(p99), float(cpu) / mil if mil else 0, bad or 0))
' "$rps" "$p50" "$p99" "$reqs" "$(echo "$c1 - $c0" | bc)" "$2" "$BATCH_BYTES" "$non2xx"
}
log "collector: wrk, $CONNS connections, ${SECONDS_RUN}s"
R1=$(run_wrk "$CONNS" "lakestream collect ($CONNS conns)")
LIGHT=$((CONNS / 4))
R2=$(run_wrk "$LIGHT" "lakestream collect ($LIGHT conns)")
IDLE=${COLLECT_BENCH_IDLE:-10000}
python3 "$ROOT/tests/tools/collect_probe.py" idle 127.0.0.1 "$PORT" "$IDLE" > "$WORK/idle.txt" 2>&1 || true
METRICS=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^lakestream_collect_(events_total|requests_total)' | tr '\n' ' ')
echo "collect_bench: $(nproc) cores, load average $LOAD_BEFORE before / $(cut -d' ' -f1-3 /proc/loadavg) after, broker 127.0.0.1, topic of $PARTITIONS partitions"
echo "$R1"
echo "$R2"
echo "kafka-producer-perf-test (700 B, acks=all): $PEER"
echo "idle keep-alive: $(tr '\n' ' ' < "$WORK/idle.txt")"
echo "collector metrics: $METRICS"
