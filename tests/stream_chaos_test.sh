#!/usr/bin/env bash
# Streaming ingest under crashes, against a real Apache Kafka broker (tests/peers/kafka: the
# one ctest shares between "kafka" tests, or one of its own when run by hand), in its own
# process, so the topic survives the ingest processes.
#
#   stream_chaos_test.sh LAKESTREAM MODE CRASH_INGEST
#
# MODE kill:  one ingest process at a time; it is kill -9'd at random moments
#             CHAOS_KILLS times (default 24) and restarted each time. Every
#             other run is the test-only CRASH_INGEST (tests/tools/crash_ingest_main.cc:
#             the same job, its storage wrapped in a KillingFileSystem), which
#             SIGKILLs itself inside the Delta commit path (before and after each
#             log write: before the commits, between the quarantine and the events
#             commit, between the events and the dimension commit, after all).
#             At least one such self-kill must happen.
# MODE group: CHAOS_CONSUMERS (default 3) ingest processes (CHAOS_KILLS default 8) in one consumer
#             group share the partitions; one is kill -9'd every few seconds
#             (the others take its partitions over) and restarted.
# Both: each kill cycle the generator produces a chunk of CHAOS_CHUNK (default
# 3000) events with a fixed seed, 1% malformed and 2% duplicates, paced by the
# group's lag. Then
# `ingest --available-now` drains the topic, and the tables must hold every
# good event exactly once (count == distinct == generated - malformed -
# duplicates) and every malformed record exactly once in quarantine.
#
# Bounded: each phase has a deadline; everything started is stopped by PID.
# Binds 127.0.0.1 only (the broker's free ports). The topic and group are this run's own.
set -euo pipefail
BIN="$1"
MODE="${2:-kill}"
CRASH_INGEST="${3:?the crash_ingest test tool (tests/tools)}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
# shellcheck source=lib/stream_checks.sh
source "$HERE/lib/stream_checks.sh"
if [ "$MODE" = kill ]; then KILLS="${CHAOS_KILLS:-24}"; else KILLS="${CHAOS_KILLS:-8}"; fi
CONSUMERS="${CHAOS_CONSUMERS:-3}"
PARTITIONS=6
SEED=20261124
WORK="$(mktemp -d "${TMPDIR:-/tmp}/lakestream-chaos-$MODE.XXXXXX")"
TOPIC="chaos-$MODE-$$"
GROUP="$TOPIC"
PIDS=()

log() { printf '[chaos %s %s] %s\n' "$MODE" "$(date +%T)" "$*" >&2; }
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  sc_kill_producers
  kafka_fixture_release
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { log "FAIL: $*"; for f in "$WORK"/ingest-*.log; do [ -f "$f" ] && tail -n 5 "$f" >&2; done; exit 1; }

# ---- broker -------------------------------------------------------------------
kafka_fixture_use || fail "no Kafka broker"
BOOTSTRAP=$KAFKA_BOOTSTRAP
kafka_topics --create --topic "$TOPIC" --partitions "$PARTITIONS" --replication-factor 1 \
  > "$WORK/topic.log" 2>&1 || fail "creating topic $TOPIC: $(tail -n 3 "$WORK/topic.log")"
log "kafka broker at $BOOTSTRAP (shared: ${KAFKA_SHARED:-0}), topic $TOPIC with $PARTITIONS partitions"

# ---- config -------------------------------------------------------------------
CONFIG="$WORK/ingest-0.yaml"
sed -e "s|^  topic: clickstream|  topic: $TOPIC\n  group: $GROUP\n  properties: {session.timeout.ms: \"6000\", heartbeat.interval.ms: \"500\", group.instance.id: MEMBER}|" \
    -e "s|^  brokers: .*|  brokers: $BOOTSTRAP|" \
    -e "s|/tmp/lakestream/events_quarantine|$WORK/quarantine|" \
    -e "s|/tmp/lakestream/events|$WORK/events|" \
    -e "s|/tmp/lakestream/user_profile|$WORK/user_profile|" \
    -e "s|^trigger:.*|trigger: {interval: 1s, max_records: 1000, max_bytes: 16MB}|" \
    "$HERE/../deploy/ingest-clickstream.yaml" > "$WORK/ingest.yaml.in"
grep -q "brokers: $BOOTSTRAP" "$WORK/ingest.yaml.in" || fail "the deploy config has no brokers line to point at the broker"
# Static membership (one group.instance.id per consumer slot) and the broker's shortest
# session (group.min.session.timeout.ms, 6 s): a restarted member gets its partitions back
# at once, a member gone for good loses them after 6 s.
member_config() {  # slot -> path
  sed "s/group.instance.id: MEMBER/group.instance.id: $GROUP-$1/" "$WORK/ingest.yaml.in" > "$WORK/ingest-$1.yaml"
  echo "$WORK/ingest-$1.yaml"
}
for slot in $(seq 0 "$CONSUMERS"); do member_config "$slot" > /dev/null; done

# ---- generator ----------------------------------------------------------------
# Events arrive in chunks of CHAOS_CHUNK (default 3000), one per kill cycle,
# each from its own seed (tests/lib/stream_checks.sh), so there is always fresh
# data when a process is killed; 1% malformed, 2% duplicates of recent good events.
SC_SEED=$SEED
sc_init "$BIN" "$WORK"
produce_chunk() {
  sc_produce "${CHAOS_CHUNK:-3000}" "$TOPIC" "$BOOTSTRAP" --pace-group "$GROUP" --max-lag 12000
  PIDS+=("$SC_LAST_PID")
}

RUN=0
start_ingest() {  # crash_percent [slot] -> sets LAST_PID
  RUN=$((RUN + 1))
  local cmd=("$BIN" ingest)
  [ "$1" = 0 ] || cmd=("$CRASH_INGEST" --crash-percent "$1" --seed "$((SEED + RUN))")
  "${cmd[@]}" --config "$WORK/ingest-${2:-0}.yaml" > /dev/null 2> "$WORK/ingest-$RUN.log" &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
alive() { kill -0 "$1" 2>/dev/null; }
ms_sleep() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
newest_commit() { ls "$WORK/events/_delta_log/" 2>/dev/null | grep -c '\.json$' || true; }

DEADLINE=$((SECONDS + ${CHAOS_SECONDS:-150}))
KILLED=0
SELF_CRASHED=0
RANDOM=$SEED
if [ "$MODE" = kill ]; then
  start_ingest 0
  CUR=$LAST_PID
  produce_chunk
  while [ $((KILLED + SELF_CRASHED)) -lt "$KILLS" ] && [ $SECONDS -lt $DEADLINE ]; do
    # Mostly let the process get its partitions first (a rejoin takes a few
    # seconds); every fourth kill lands during start-up instead.
    if [ $((KILLED % 4)) != 3 ]; then
      for _ in $(seq 300); do
        grep -q 'assigned' "$WORK/ingest-$RUN.log" 2>/dev/null && break
        alive "$CUR" || break
        sleep 0.05
      done
    fi
    if [ $((KILLED % 3)) = 1 ]; then
      # Kill right after a new commit file appears (mid-batch, often while the
      # next batch's files are being written or committed).
      before=$(newest_commit)
      for _ in $(seq 200); do
        [ "$(newest_commit)" != "$before" ] && break
        alive "$CUR" || break
        sleep 0.02
      done
      ms_sleep $((RANDOM % 150))
    else
      ms_sleep $((200 + RANDOM % 1300))
    fi
    if alive "$CUR"; then
      kill -9 "$CUR" 2>/dev/null || true
      wait "$CUR" 2>/dev/null || true
      KILLED=$((KILLED + 1))
    else
      wait "$CUR" 2>/dev/null || true
      grep -q 'test crash point' "$WORK/ingest-$RUN.log" && SELF_CRASHED=$((SELF_CRASHED + 1))
    fi
    # Every other restart arms the in-commit crash points.
    if [ $((RUN % 2)) = 0 ]; then start_ingest 15; else start_ingest 0; fi
    CUR=$LAST_PID
    produce_chunk
  done
  kill -9 "$CUR" 2>/dev/null || true
  wait "$CUR" 2>/dev/null || true
  log "kill -9 $KILLED times, $SELF_CRASHED self-kills inside the commit path, $RUN ingest runs"
  [ $((KILLED + SELF_CRASHED)) -ge "$KILLS" ] ||
    fail "only $((KILLED + SELF_CRASHED)) kills before the deadline"
  [ "$SELF_CRASHED" -gt 0 ] || fail "no self-kill inside the commit path: the crash windows went untested"
else
  MEMBERS=()
  for slot in $(seq 1 "$CONSUMERS"); do start_ingest 0 "$slot"; MEMBERS+=("$LAST_PID"); done
  while [ "$KILLED" -lt "$KILLS" ] && [ $SECONDS -lt $DEADLINE ]; do
    produce_chunk
    sleep $((3 + RANDOM % 4))
    victim=$((RANDOM % CONSUMERS))
    kill -9 "${MEMBERS[$victim]}" 2>/dev/null || true
    wait "${MEMBERS[$victim]}" 2>/dev/null || true
    KILLED=$((KILLED + 1))
    # The survivors take the partitions over; the victim comes back later.
    sleep 2
    start_ingest 0 $((victim + 1))
    MEMBERS[$victim]=$LAST_PID
  done
  log "kill -9 $KILLED group members while $CONSUMERS consumed, $RUN ingest runs"
  for pid in "${MEMBERS[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ "$KILLED" -ge 3 ] || fail "only $KILLED kills before the deadline"
fi

# ---- drain ----------------------------------------------------------------------
# A generator may still be waiting for the lag to fall: drain until all are done.
for _ in $(seq 10); do
  sc_producers_alive || break
  "$BIN" ingest --config "$CONFIG" --max-seconds 15 > /dev/null 2> "$WORK/drain.log" ||
    fail "drain ingest failed: $(tail -n 3 "$WORK/drain.log")"
done
sc_producers_alive && fail "generator still running"
sc_wait_producers || fail "a generator failed"
log "produced $SC_GENERATED events in $SC_CHUNK chunks; expect $SC_EXPECT_GOOD events, $SC_MALFORMED quarantined"
"$BIN" ingest --config "$CONFIG" --available-now > /dev/null 2> "$WORK/final.log" ||
  fail "final ingest failed: $(tail -n 3 "$WORK/final.log")"
log "$(grep 'records:' "$WORK/final.log")"

# ---- verify ---------------------------------------------------------------------
# Every good event exactly once in the events table, every malformed one exactly once in
# quarantine, nothing else.
sc_check_exactly_once || fail "not exactly once"
# The user_profile dimension (the deploy config's): per Kafka partition its txn equals the
# events table's (no kill between the two commits left a partition behind), and every user of
# the events table has exactly one current version.
partition_txns() {  # table, appId pattern of the partition suffix
  "$BIN" describe "$1" | node -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const re = new RegExp(process.argv[1]);
    const out = [];
    for (const [app, v] of Object.entries(d.transactions)) {
      const m = app.match(re);
      if (m) out.push(m[1] + "=" + v);
    }
    console.log(out.sort().join(" "));' "$2"
}
EV_TXNS=$(partition_txns "$WORK/events" "^clickstream/$TOPIC/([0-9]+)\$")
DIM_TXNS=$(partition_txns "$WORK/user_profile" '^clickstream:user_profile:([0-9]+)$')
[ -n "$EV_TXNS" ] && [ "$EV_TXNS" = "$DIM_TXNS" ] ||
  fail "dimension txns '$DIM_TXNS' differ from the events txns '$EV_TXNS'"
USERS=$("$BIN" cat "$WORK/events" --columns user_id | sort -u | wc -l)
"$BIN" cat "$WORK/user_profile" --columns user_id,is_current | grep '"is_current":true' \
  > "$WORK/current.txt" || true
CURRENT=$(wc -l < "$WORK/current.txt")
CURRENT_USERS=$(sort -u "$WORK/current.txt" | wc -l)
log "user_profile: txns $DIM_TXNS; $CURRENT current versions for $USERS users"
[ "$CURRENT" = "$USERS" ] && [ "$CURRENT_USERS" = "$CURRENT" ] ||
  fail "user_profile has $CURRENT current versions ($CURRENT_USERS users), the events $USERS users"
log "PASS: exactly once after $((KILLED + SELF_CRASHED)) SIGKILLs ($KILLED external, $SELF_CRASHED inside the commit path) ($MODE)"
