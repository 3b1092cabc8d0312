#!/usr/bin/env bash
# Azure Event Hubs' Kafka endpoint, reproduced as far as a real Kafka broker can, and
# lakestream's Event Hubs path run against it unchanged:
#   - the broker listens on localhost:9093 with SASL_SSL (TLS with a throwaway CA) and
#     SASL PLAIN, user "$ConnectionString", password the connection string: what
#     `source: {event_hubs: ...}` and `generate --event-hubs-connection-env` derive from
#     "Endpoint=sb://localhost/;..." with no broker address or protocol given by hand;
#   - message.max.bytes is Event Hubs' 1 MiB: an event of ~1 MB goes through ingest
#     whole; one over the limit is refused by the broker and never reaches the table;
#   - our producer's batches on disk are gzip (the only codec Event Hubs takes) and
#     not transactional (Event Hubs has Kafka transactions only in preview on some tiers;
#     exactly once comes from Delta txn ids);
#   - a wrong key fails ingest with an authentication error, and the key is never
#     printed, by ingest or by generate.
# Port 9093 is fixed by the Event Hubs convention, so the whole test runs in a network
# namespace of its own (unshare -n): nothing else can hold the port, nothing leaks out.
#
#   eventhubs_local_test.sh LAKESTREAM
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ "${LS_EH_NETNS:-}" != 1 ]; then
  userns=()
  [ "$(id -u)" = 0 ] || userns=(-r)
  exec unshare "${userns[@]}" -n env LS_EH_NETNS=1 bash "$0" "$@"
fi
ip link set lo up

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lakestream-eh.XXXXXX")"
PIDS=()
log() { printf '[eventhubs %s] %s\n' "$(date +%T)" "$*" >&2; }
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  kafka_fixture_stop
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { log "FAIL: $*"; exit 1; }

# ---- TLS and the namespace's credentials ------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lakestream test CA" \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$WORK/broker.key" -out "$WORK/broker.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$WORK/san.ext"
openssl x509 -req -in "$WORK/broker.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
  -CAcreateserial -days 2 -extfile "$WORK/san.ext" -out "$WORK/broker.pem" 2>/dev/null
cat "$WORK/broker.key" "$WORK/broker.pem" > "$WORK/keystore.pem"

KEY="c2VjcmV0LWtleS1mb3ItdGVzdHM9PQ=="
CS="Endpoint=sb://localhost/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=$KEY;EntityPath=clicks"
export EH_CS="$CS"
export EH_CS_WRONG="${CS/$KEY/d3Jvbmcta2V5}"

# ---- broker -----------------------------------------------------------------------------
export KAFKA_EXTRA_LISTENER="SASL_SSL://localhost:9093"
export KAFKA_EXTRA_PROPS="sasl.enabled.mechanisms=PLAIN
listener.name.external.sasl.enabled.mechanisms=PLAIN
listener.name.external.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_\$ConnectionString=\"$CS\";
listener.name.external.ssl.keystore.type=PEM
listener.name.external.ssl.keystore.location=$WORK/keystore.pem
message.max.bytes=1048576"
kafka_fixture_start 1 || fail "broker did not start"
log "broker at localhost:9093 (SASL_SSL, PLAIN), internal $KAFKA_BOOTSTRAP"
kafka_topics --create --topic clicks --partitions 4 --replication-factor 1 >/dev/null

CONFIG="$WORK/ingest.yaml"
sed -e "/^  brokers:/d" -e "s|^  topic: clickstream|  topic: clicks\n  group: eh-test\n  event_hubs: {connection_string_env: EH_CS}\n  properties: {ssl.ca.location: \"$WORK/ca.pem\"}|" \
    -e "s|/tmp/lakestream/events_quarantine|$WORK/quarantine|" \
    -e "s|/tmp/lakestream/events|$WORK/events|" \
    -e "s|/tmp/lakestream/user_profile|$WORK/user_profile|" \
    -e "s|^trigger:.*|trigger: {interval: 1s, max_records: 5000, max_bytes: 16MB}|" \
    "$HERE/../deploy/ingest-clickstream.yaml" > "$CONFIG"
grep -q 'event_hubs: {connection_string_env: EH_CS}' "$CONFIG" || fail "config rewrite failed"

# ---- a wrong key: a clear authentication failure, no secret printed -----------------------
sed 's/connection_string_env: EH_CS}/connection_string_env: EH_CS_WRONG}/' "$CONFIG" > "$WORK/wrong.yaml"
# (the timeout only bounds a regression: librdkafka alone retries a failed login forever)
rc=0
timeout 120 "$BIN" ingest --config "$WORK/wrong.yaml" --available-now > /dev/null 2> "$WORK/wrong.log" || rc=$?
[ "$rc" != 0 ] || fail "ingest with a wrong key succeeded"
[ "$rc" != 124 ] || fail "ingest with a wrong key kept retrying instead of failing"
grep -q 'authentication failed' "$WORK/wrong.log" ||
  fail "wrong key: no authentication error: $(tail -n 3 "$WORK/wrong.log")"
log "wrong key: exit $rc: $(grep 'authentication failed' "$WORK/wrong.log" | tail -n 1 | cut -c1-200)"

# ---- events through the Event Hubs path ---------------------------------------------------
EVENTS=6000
GEN_ARGS=(--events "$EVENTS" --seed 424242 --malformed-rate 0.01 --duplicate-rate 0.02)
"$BIN" generate "${GEN_ARGS[@]}" --out "$WORK/expected.ndjson" 2> "$WORK/expected.txt"
read -r MALFORMED DUPS < <(sed -E 's/.* ([0-9]+) malformed, ([0-9]+) duplicates.*/\1 \2/' "$WORK/expected.txt")
EXPECT_GOOD=$((EVENTS - MALFORMED - DUPS))
"$BIN" generate "${GEN_ARGS[@]}" --topic clicks --event-hubs-connection-env EH_CS \
  --property "ssl.ca.location=$WORK/ca.pem" > "$WORK/generate.out" 2> "$WORK/generate.log" ||
  fail "generate over SASL_SSL failed: $(tail -n 3 "$WORK/generate.log")"

# ---- on the broker's disk: our producer's batches are gzip, never transactional ----------
# (checked before Kafka's console producer below adds batches of its own)
for seg in "$KAFKA_DIR"/node1/data/clicks-*/*.log; do
  kafka__java kafka.tools.DumpLogSegments --files "$seg" 2>/dev/null
done > "$WORK/dump.txt"
BATCHES=$(grep -c 'baseOffset:' "$WORK/dump.txt" || true)
[ "$BATCHES" -gt 0 ] || fail "no record batches found in the topic's segments"
NON_GZIP=$(grep 'baseOffset:' "$WORK/dump.txt" | grep -vc 'compresscodec: gzip' || true)
TXN=$(grep 'baseOffset:' "$WORK/dump.txt" | grep -c 'isTransactional: true' || true)
log "$BATCHES batches on disk: $NON_GZIP not gzip, $TXN transactional"
[ "$NON_GZIP" = 0 ] || fail "$NON_GZIP batches not gzip: $(grep 'baseOffset:' "$WORK/dump.txt" | grep -v 'compresscodec: gzip' | head -n 1)"
[ "$TXN" = 0 ] || fail "$TXN transactional batches"

# One ~1 MB event (within Event Hubs' 1 MiB) and one over it, sent by Kafka's own console
# producer over the same SASL_SSL listener (the limit is the broker's to enforce).
cat > "$WORK/client.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="\$ConnectionString" password="$CS";
ssl.truststore.type=PEM
ssl.truststore.location=$WORK/ca.pem
max.request.size=4000000
compression.type=gzip
EOF
big_event() {  # id, payload bytes
  python3 -c '
import json, sys, random
rnd = random.Random(7)
pad = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(int(sys.argv[2])))
print(json.dumps({"event_id": sys.argv[1], "user_id": 77, "session_id": "s", "event_type": "page_view",
  "event_time": "2026-11-30T10:00:00Z", "page_url": "/big", "country": "DE",
  "properties": {"blob": pad}}, separators=(",", ":")))' "$1" "$2"
}
big_event big-ok 1000000 > "$WORK/big-ok.json"
big_event big-too-large 1100000 > "$WORK/big-too-large.json"
produce_one() {  # file -> exit status of Kafka's console producer
  kafka__java org.apache.kafka.tools.ConsoleProducer --bootstrap-server localhost:9093 \
    --topic clicks --producer.config "$WORK/client.properties" --sync < "$1" > "$WORK/console.log" 2>&1
}
produce_one "$WORK/big-ok.json" || fail "a $(stat -c %s "$WORK/big-ok.json")-byte event was refused: $(tail -n 3 "$WORK/console.log")"
if produce_one "$WORK/big-too-large.json" && ! grep -q RecordTooLarge "$WORK/console.log"; then
  fail "the broker took a $(stat -c %s "$WORK/big-too-large.json")-byte event past message.max.bytes"
fi
grep -q 'RecordTooLarge\|too large' "$WORK/console.log" || fail "no size error: $(tail -n 3 "$WORK/console.log")"
EXPECT_GOOD=$((EXPECT_GOOD + 1))

timeout 300 "$BIN" ingest --config "$CONFIG" --available-now > /dev/null 2> "$WORK/ingest.log" ||
  fail "ingest over SASL_SSL failed: $(tail -n 3 "$WORK/ingest.log")"
log "$(grep 'records:' "$WORK/ingest.log" || tail -n 1 "$WORK/ingest.log")"

# ---- the tables: every good event once, every malformed one once in quarantine -----------
"$BIN" cat "$WORK/events" --columns event_id > "$WORK/ids.txt"
ROWS=$(wc -l < "$WORK/ids.txt")
DISTINCT=$(sort -u "$WORK/ids.txt" | wc -l)
QROWS=$("$BIN" cat "$WORK/quarantine" --columns partition,offset | sort -u | wc -l)
log "events: $ROWS rows ($DISTINCT distinct), expected $EXPECT_GOOD; quarantine $QROWS, expected $MALFORMED"
[ "$ROWS" = "$EXPECT_GOOD" ] || fail "events table has $ROWS rows, expected $EXPECT_GOOD"
[ "$DISTINCT" = "$ROWS" ] || fail "events table has duplicates"
[ "$QROWS" = "$MALFORMED" ] || fail "quarantine has $QROWS rows, expected $MALFORMED"
grep -q '"big-ok"' "$WORK/ids.txt" || fail "the 1 MB event is missing"
grep -q '"big-too-large"' "$WORK/ids.txt" && fail "the oversized event reached the table"
BLOB=$("$BIN" cat "$WORK/events" --where "event_id = 'big-ok'" --columns properties |
  python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); p=r["properties"]; p=json.loads(p) if isinstance(p,str) else p; print(len(p["blob"]))')
[ "$BLOB" = 1000000 ] || fail "the 1 MB event's payload came back with $BLOB bytes"

# ---- the key never printed --------------------------------------------------------------
for f in "$WORK"/ingest.log "$WORK"/wrong.log "$WORK"/generate.log "$WORK"/generate.out; do
  if grep -q -e "$KEY" -e d3Jvbmcta2V5 "$f"; then fail "$(basename "$f") prints the key"; fi
done
log "PASS"
