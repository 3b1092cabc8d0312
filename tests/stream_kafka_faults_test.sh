#!/usr/bin/env bash
# Streaming ingest through Kafka faults, on real Apache Kafka clusters of the test's own
# (tests/peers/kafka/kafka_fixture.sh, 127.0.0.1 only; not the broker ctest shares).
#
#   stream_kafka_faults_test.sh LAKESTREAM MODE
#
# MODE broker-kill     one broker; while producers and `ingest` run, the broker is SIGKILLed,
#                      stays down FAULTS_DOWN_SECONDS (default 10), and is restarted on its
#                      old data. Ingest recovers by itself (a process that exits anyway is
#                      restarted once a second, as `serve`'s supervisor would, and counted).
# MODE replicated      three brokers, min.insync.replicas=2, the topic replicated 3 ways,
#                      producers with acks=all; the leader of partition 0 is SIGKILLed
#                      mid-run; producing and ingest go on on the other two. It comes back,
#                      and once no partition is under-replicated the node coordinating the
#                      consumer group is SIGKILLed (one node down at a time).
# MODE large-topic     FAULTS_LARGE_EVENTS (default 800000) events, ~560 MiB, in the topic
#                      before ingest starts; `ingest --available-now`, its prefetch bounded to
#                      32 MiB, takes them all while its peak RSS (the summary's peak_rss_kib)
#                      stays below half the topic's bytes.
# MODE add-partitions  the topic goes from 2 to 5 partitions (kafka-topics --alter) while
#                      ingest runs; events produced to the new partitions land too.
# MODE cooperative     partition.assignment.strategy=cooperative-sticky: a second ingest
#                      process joins the group mid-run, then the first leaves (SIGTERM).
#
# Every mode then checks (tests/lib/stream_checks.sh) that every good event generated is in
# the events table exactly once and every malformed one in the quarantine table exactly once,
# that the running ingest caught up by itself, stopped cleanly on SIGTERM, and (but
# large-topic) that the consumer group's committed offsets reached the end of every partition.
#
# Bounded: every wait has a deadline; everything started is stopped by PID on exit.
# KEEP_WORK=1 keeps the work dir, with the Kafka nodes' logs copied into it.
set -euo pipefail
BIN="$1"
MODE="${2:?usage: stream_kafka_faults_test.sh LAKESTREAM MODE}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
# shellcheck source=lib/stream_checks.sh
source "$HERE/lib/stream_checks.sh"
case "$MODE" in
  broker-kill|replicated|large-topic|add-partitions|cooperative) ;;
  *) echo "stream_kafka_faults_test: unknown mode '$MODE' (broker-kill, replicated, large-topic," \
          "add-partitions, cooperative)" >&2; exit 2 ;;
esac
WORK="$(mktemp -d "${TMPDIR:-/tmp}/lakestream-faults-$MODE.XXXXXX")"
TOPIC="faults-$MODE-$$"
GROUP="$TOPIC"
PIDS=()
KAFKA_DIR=""
T0=$SECONDS

log() { printf '[faults %s %s] %s\n' "$MODE" "$(date +%T)" "$*" >&2; }
cleanup() {
  local pid d
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  sc_kill_producers
  if [ "${KEEP_WORK:-0}" = 1 ] && [ -n "$KAFKA_DIR" ] && [ -d "$KAFKA_DIR" ]; then
    for d in "$KAFKA_DIR"/node*; do
      mkdir -p "$WORK/kafka-$(basename "$d")"
      cp "$d"/*.log "$d"/server.properties "$WORK/kafka-$(basename "$d")/" 2>/dev/null || true
    done
  fi
  kafka_fixture_stop
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() {
  log "FAIL: $*"
  local f
  for f in "$WORK"/ingest-*.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 8 "$f" >&2; }
  done
  for f in "$WORK"/generate-*.log; do
    [ -s "$f" ] && { echo "--- $f" >&2; tail -n 4 "$f" >&2; }
  done
  if [ -n "${KAFKA_BOOTSTRAP:-}" ]; then
    echo "--- topic $TOPIC" >&2
    kafka_topics --describe --topic "$TOPIC" >&2 2>&1 || true
    echo "--- group $GROUP" >&2
    kafka_groups --describe --group "$GROUP" --timeout 10000 >&2 2>&1 || true
  fi
  exit 1
}
alive() { kill -0 "$1" 2>/dev/null; }

sc_init "$BIN" "$WORK"

# ---- ingest processes ----------------------------------------------------------------
RUN=0
start_ingest() {  # config [args...] -> LAST_PID, LAST_LOG
  local cfg=$1
  shift
  RUN=$((RUN + 1))
  LAST_LOG="$WORK/ingest-$RUN.log"
  "$BIN" ingest --config "$cfg" "$@" > /dev/null 2> "$LAST_LOG" &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
stop_ingest() {  # pid log: SIGTERM; it must leave the group and exit 0 within 60 s
  local pid=$1 rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 600); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && fail "ingest $pid did not stop within 60 s of SIGTERM ($2)"
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || fail "ingest $pid exited with $rc after SIGTERM: $(tail -n 3 "$2")"
}
wait_assigned() {  # log seconds [pattern]: until the log says a partition was assigned
  local deadline=$((SECONDS + $2))
  until grep -q "${3:-assigned $TOPIC\\[}" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "no partition assignment in $1 within $2 s"
    sleep 0.2
  done
}

# The one long-running ingest of broker-kill / replicated / add-partitions, kept running as
# serve's supervisor would: if it exits, it is restarted (counted, reported).
ING=""
ING_LOG=""
RESTARTS=0
supervise() {
  [ -n "$ING" ] || return 0
  alive "$ING" && return 0
  local rc=0
  wait "$ING" || rc=$?
  RESTARTS=$((RESTARTS + 1))
  log "ingest exited with $rc ($(tail -n 1 "$ING_LOG")); restarting it as serve would"
  [ "$RESTARTS" -le 20 ] || fail "ingest restarted more than 20 times"
  sleep 1
  start_ingest "$CONFIG"
  ING=$LAST_PID
  ING_LOG=$LAST_LOG
}
sleep_supervised() {  # seconds
  local until=$((SECONDS + $1))
  while [ $SECONDS -lt $until ]; do supervise; sleep 0.5; done
}

table_rows() {  # table column -> rows (0 while the table does not exist)
  "$BIN" cat "$1" --columns "$2" 2>/dev/null | wc -l
}
# Until the tables hold as many rows as the generator's good + malformed events (the running
# ingest caught up by itself); the exactly-once check then says what is wrong, if anything.
wait_caught_up() {  # seconds
  local deadline=$((SECONDS + $1)) ev=0 q=0
  while [ $SECONDS -lt $deadline ]; do
    supervise
    ev=$(table_rows "$WORK/events" event_id)
    q=$(table_rows "$WORK/quarantine" offset)
    if [ "$ev" -ge "$SC_EXPECT_GOOD" ] && [ "$q" -ge "$SC_MALFORMED" ]; then
      log "caught up: $ev events, $q quarantined"
      return 0
    fi
    sleep 2
  done
  log "not caught up within $1 s: $ev of $SC_EXPECT_GOOD events, $q of $SC_MALFORMED quarantined"
  sc_check_exactly_once || true
  fail "ingest did not catch up within $1 s"
}
wait_producers() {  # seconds: producers must finish (they retry while brokers are down)
  local deadline=$((SECONDS + $1))
  while sc_producers_alive; do
    [ $SECONDS -lt $deadline ] || fail "a producer is still running after $1 s"
    supervise
    sleep 0.5
  done
  sc_wait_producers || fail "a producer failed"
}
# Every partition's committed group offset is its end offset (lag 0): the offsets reached
# the group despite the fault, with nothing left running.
check_group_lag() {
  kafka_groups --describe --group "$GROUP" > "$WORK/group.txt" 2>&1 ||
    fail "kafka-consumer-groups --describe: $(tail -n 3 "$WORK/group.txt")"
  awk -v t="$TOPIC" '$2 == t { n++; if ($6 != "0") { bad++; print "partition " $3 ": committed " $4 ", end " $5 ", lag " $6 } }
                     END { if (n == 0) { print "no partition of the topic in the group"; exit 1 } exit bad > 0 }' \
    "$WORK/group.txt" > "$WORK/lag.txt" || fail "group offsets behind the topic's end: $(tr '\n' ';' < "$WORK/lag.txt")"
  log "group $GROUP: lag 0 on every partition"
}
# Partitions with a txn (appId clickstream/TOPIC/P, stream/txn_app_id.h) in the events table.
txn_partitions() {
  "$BIN" describe "$WORK/events" | python3 -c '
import json, re, sys
d = json.load(sys.stdin)
print(" ".join(sorted((m.group(1) for a in d["transactions"]
                       for m in [re.match(r"^clickstream/" + re.escape(sys.argv[1]) + r"/(\d+)$", a)] if m),
                      key=int)))' "$TOPIC"
}
# Until partition $1's ISR holds all $2 replicas (a killed leader then has in-sync successors;
# under heavy load followers can drop out of the ISR, and killing a leader that is alone in
# it leaves the partition offline until it returns, which is Kafka keeping acks=all data).
wait_full_isr() {  # partition replicas seconds
  local deadline=$((SECONDS + $3)) isr=""
  while [ $SECONDS -lt $deadline ]; do
    isr=$(kafka_topics --describe --topic "$TOPIC" 2>/dev/null |
      sed -nE "s/.*Partition: $1[[:space:]].*Isr: ([0-9,]+).*/\1/p" | head -n 1)
    [ "$(tr ',' '\n' <<< "$isr" | grep -c .)" -ge "$2" ] && return 0
    supervise
    sleep 1
  done
  fail "partition $1's ISR is '$isr' after $3 s, not all $2 replicas"
}
partition_leader() {  # partition -> node id
  kafka_topics --describe --topic "$TOPIC" 2>/dev/null |
    sed -nE "s/.*Partition: $1[[:space:]]+Leader: ([0-9]+).*/\1/p" | head -n 1
}

GROUP_PROPS="session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\""
TRIGGER="interval: 1s, max_records: 2000, max_bytes: 16MB"
CONFIG="$WORK/ingest.yaml"
NODES=1
[ "$MODE" = replicated ] && NODES=3
if [ "$MODE" = replicated ]; then export KAFKA_EXTRA_PROPS="min.insync.replicas=2"; fi
kafka_fixture_start "$NODES" || fail "could not start a $NODES-node Kafka cluster"
log "kafka: $NODES node(s) at $KAFKA_BOOTSTRAP, started in $((SECONDS - T0)) s"
create_topic() {  # partitions replication
  kafka_topics --create --topic "$TOPIC" --partitions "$1" --replication-factor "$2" \
    > "$WORK/topic.log" 2>&1 || fail "creating topic $TOPIC: $(tail -n 3 "$WORK/topic.log")"
}

case "$MODE" in
broker-kill)
  create_topic 4 1
  sc_config "$CONFIG" "$TOPIC" "$GROUP" "$KAFKA_BOOTSTRAP" "$GROUP_PROPS" "$TRIGGER" || fail "config"
  start_ingest "$CONFIG"; ING=$LAST_PID; ING_LOG=$LAST_LOG
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  wait_assigned "$ING_LOG" 60
  # A long producer paced by the group's lag is mid-way when the broker dies: its unsent and
  # unacknowledged batches are retried (idempotently) once the broker is back.
  sc_produce 40000 "$TOPIC" "$KAFKA_BOOTSTRAP" --pace-group "$GROUP" --max-lag 3000
  sleep_supervised 1
  kafka_fixture_kill 1
  log "broker killed (SIGKILL) mid-run"
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"  # starts while the broker is down
  sleep_supervised "${FAULTS_DOWN_SECONDS:-10}"
  kafka_fixture_restart 1 || fail "the broker did not come back"
  log "broker restarted on its data"
  sleep_supervised 2
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  wait_producers 180
  wait_caught_up 120
  stop_ingest "$ING" "$ING_LOG"
  ;;
replicated)
  create_topic 6 3
  sc_config "$CONFIG" "$TOPIC" "$GROUP" "$KAFKA_BOOTSTRAP" "$GROUP_PROPS" "$TRIGGER" || fail "config"
  start_ingest "$CONFIG"; ING=$LAST_PID; ING_LOG=$LAST_LOG
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all
  wait_assigned "$ING_LOG" 60
  sc_produce 40000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all --pace-group "$GROUP" --max-lag 3000
  sleep_supervised 1
  wait_full_isr 0 3 60
  victim=$(partition_leader 0)
  [ -n "$victim" ] || fail "no leader for partition 0"
  kafka_fixture_kill "$victim"
  log "phase 1: node $victim (leader of partition 0, ISR complete) killed (SIGKILL) while producing"
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all
  sleep_supervised 5
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all
  wait_producers 180
  wait_caught_up 120
  log "partition 0 now led by node $(partition_leader 0)"
  # Phase 2: the node comes back and catches up (no under-replicated partition left), then
  # the node coordinating the consumer group is killed (it may be the same node again).
  kafka_fixture_restart "$victim" || fail "node $victim did not come back"
  deadline=$((SECONDS + 90))
  while [ -n "$(kafka_topics --describe --under-replicated-partitions 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "partitions still under-replicated 90 s after node $victim restarted"
    supervise
    sleep 1
  done
  coordinator=$(kafka_groups --describe --group "$GROUP" --state 2>/dev/null |
    awk -v g="$GROUP" '$1 == g { print $2 $3 }' | grep -oE '\(([0-9]+)\)' | tr -d '()' | head -n 1)
  [ -n "$coordinator" ] || fail "no coordinator for group $GROUP"
  sc_produce 10000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all --pace-group "$GROUP" --max-lag 3000
  sleep_supervised 1
  kafka_fixture_kill "$coordinator"
  log "phase 2: node $coordinator (the group's coordinator) killed (SIGKILL) while producing"
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP" --property acks=all
  wait_producers 180
  wait_caught_up 120
  stop_ingest "$ING" "$ING_LOG"
  ;;
large-topic)
  create_topic 4 1
  # A memory-bounded deployment (docs/streaming.md, Threads and throughput): librdkafka's
  # prefetch bounded to 32 MiB and micro-batches to 32 MB of payload. With the defaults
  # (256 MiB prefetch) a 349 MiB topic gave a peak RSS of 555 MiB.
  sc_config "$CONFIG" "$TOPIC" "$GROUP" "$KAFKA_BOOTSTRAP" \
    "queued.max.messages.kbytes: \"32768\", fetch.max.bytes: \"16777216\"" \
    "interval: 5s, max_records: 100000, max_bytes: 32MB" || fail "config"
  sc_produce "${FAULTS_LARGE_EVENTS:-800000}" "$TOPIC" "$KAFKA_BOOTSTRAP"
  wait_producers 300
  TOPIC_BYTES=$(cat "$WORK"/expected-*.ndjson | wc -c)
  log "produced $SC_GENERATED events, $((TOPIC_BYTES / 1048576)) MiB of payload, in $((SECONDS - T0)) s"
  start_ingest "$CONFIG" --available-now
  ING_PID=$LAST_PID
  rc=0
  wait "$ING_PID" || rc=$?
  [ "$rc" = 0 ] || fail "ingest --available-now exited with $rc: $(tail -n 3 "$LAST_LOG")"
  summary=$(grep 'ingest: summary' "$LAST_LOG") || fail "no summary line in $LAST_LOG"
  log "$summary"
  RSS_KIB=$(sed -nE 's/.* peak_rss_kib=([0-9]+).*/\1/p' <<< "$summary")
  [ -n "$RSS_KIB" ] || fail "no peak_rss_kib in the summary"
  log "ingest peak RSS $((RSS_KIB / 1024)) MiB for a topic of $((TOPIC_BYTES / 1048576)) MiB"
  ;;
add-partitions)
  create_topic 2 1
  sc_config "$CONFIG" "$TOPIC" "$GROUP" "$KAFKA_BOOTSTRAP" "$GROUP_PROPS" "$TRIGGER" || fail "config"
  start_ingest "$CONFIG"; ING=$LAST_PID; ING_LOG=$LAST_LOG
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  wait_assigned "$ING_LOG" 60
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  sleep_supervised 2
  kafka_topics --alter --topic "$TOPIC" --partitions 5 > "$WORK/alter.log" 2>&1 ||
    fail "kafka-topics --alter: $(tail -n 3 "$WORK/alter.log")"
  log "topic altered from 2 to 5 partitions while ingesting"
  for _ in 1 2 3; do
    sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
    sleep_supervised 3
  done
  wait_producers 120
  wait_assigned "$ING_LOG" 90 "assigned $TOPIC\\[4\\]"
  wait_caught_up 120
  stop_ingest "$ING" "$ING_LOG"
  parts=$(txn_partitions)
  log "events table txns for partitions: $parts"
  [ "$parts" = "0 1 2 3 4" ] || fail "events from partitions '$parts', expected 0 1 2 3 4"
  ;;
cooperative)
  create_topic 6 1
  sc_config "$CONFIG" "$TOPIC" "$GROUP" "$KAFKA_BOOTSTRAP" \
    "partition.assignment.strategy: cooperative-sticky, $GROUP_PROPS" "$TRIGGER" || fail "config"
  start_ingest "$CONFIG"; A=$LAST_PID; A_LOG=$LAST_LOG
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  wait_assigned "$A_LOG" 60
  sc_produce 20000 "$TOPIC" "$KAFKA_BOOTSTRAP" --pace-group "$GROUP" --max-lag 4000
  sleep 3
  start_ingest "$CONFIG"; B=$LAST_PID; B_LOG=$LAST_LOG
  wait_assigned "$B_LOG" 60
  log "second ingest joined: $(grep -c "assigned $TOPIC\\[" "$B_LOG") partitions moved to it"
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  sleep 4
  alive "$A" || fail "the first ingest died: $(tail -n 3 "$A_LOG")"
  stop_ingest "$A" "$A_LOG"
  log "first ingest left the group (SIGTERM)"
  sc_produce 3000 "$TOPIC" "$KAFKA_BOOTSTRAP"
  ING=$B; ING_LOG=$B_LOG  # from here on it must keep running by itself
  wait_producers 180
  wait_caught_up 120
  alive "$B" || fail "the second ingest died"
  [ "$RESTARTS" = 0 ] || fail "the second ingest had to be restarted"
  owned=$(grep -o "assigned $TOPIC\\[[0-9]*\\]" "$B_LOG" | sort -u | wc -l)
  [ "$owned" = 6 ] || fail "the second ingest was assigned $owned distinct partitions, expected all 6"
  stop_ingest "$B" "$B_LOG"
  ;;
esac

log "produced $SC_GENERATED events in $SC_CHUNK chunks: $SC_EXPECT_GOOD good, $SC_MALFORMED malformed, $SC_DUPLICATES duplicates"
sc_check_exactly_once || fail "not exactly once"
if [ "$MODE" = large-topic ]; then
  [ $((RSS_KIB * 1024)) -lt $((TOPIC_BYTES / 2)) ] ||
    fail "ingest's peak RSS ($((RSS_KIB / 1024)) MiB) is not below half the topic ($((TOPIC_BYTES / 1048576)) MiB)"
else
  check_group_lag
fi
log "PASS in $((SECONDS - T0)) s (ingest restarts: $RESTARTS, load: $(cut -d' ' -f1-3 /proc/loadavg))"
