#!/usr/bin/env bash
# The browser tracker (GET /v1/tracker.js, issue 17) end to end: pages in headless Chromium
# load it from a real `lakestream collect` producing into the real Kafka broker, generate page
# views, clicks and custom events through lost answers, a collector killed (-9) and restarted
# mid-test, a reload while it is down, a page left with events only beaconed and a source
# over its rate limit (real 429s) (tests/collect_tracker/browser.js); then `lakestream ingest --available-now` lands the topic
# in a Delta events table, and every event the pages generated must be in it exactly once,
# with its event name, session id, device id, page URL, UUID v4 event_id, received_at and the
# client_ip the config asks for (a keyed hash here), and nothing else. The topic itself must
# hold duplicates (the resends): the table's exactly-once comes from the tracker keeping
# event_ids and ingest's dedup.
#
#   collect_tracker_test.sh LAKESTREAM
#
# Bounded (about a minute): every wait has a deadline; the collector is stopped by PID.
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
lib_init collect_tracker
KEY="tracker-test-key-0001"
LIMITED_KEY="tracker-test-limited-0002"
IP_KEY="tracker-test-ip-hash-key"
TOPIC="tracker-$$"
NODE_MODULES="$HERE/odata_server/node_modules"
[ -d "$NODE_MODULES/playwright-core" ] || fail "playwright-core missing in $NODE_MODULES (./run deps)"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "no chromium at ${CHROMIUM:-/usr/bin/chromium}"

kafka_fixture_use || fail "no Kafka broker"
at_exit kafka_fixture_release
kafka_topics --create --topic "$TOPIC" --partitions 3 --replication-factor 1 > "$TMP/topic.log" 2>&1 ||
  fail "could not create $TOPIC: $(tail -n 2 "$TMP/topic.log")"

cat > "$TMP/collect.template.yaml" <<YAML
listen: 127.0.0.1:@PORT@
collector_id: tracker-test
timeouts: {ack: 3s}
client_ip: {mode: hash, hash_key_env: TRACKER_IP_KEY}
kafka: {brokers: "$KAFKA_BOOTSTRAP"}
spool: {dir: "$TMP/spool", max_bytes: 64MB}
sources:
  - {name: web, key: $KEY, topic: $TOPIC, origins: ["@ORIGIN@"]}
  - {name: limited, key: $LIMITED_KEY, topic: $TOPIC, origins: ["@ORIGIN@"], rate_limit: 2, burst: 4}
YAML

# The browser half owns the collector (kill -9 and restart at chosen moments); its PID file
# lets this shell stop a collector left behind by a failed run.
at_exit '[ -f "$TMP/collector.pid" ] && kill -9 "$(cat "$TMP/collector.pid")" 2>/dev/null'
started=$(date -u +%s)
log "browser: pages, clicks and events; the collector killed and restarted"
TRACKER_IP_KEY="$IP_KEY" NODE_PATH="$NODE_MODULES" timeout 150 \
  node "$HERE/collect_tracker/browser.js" "$BIN" "$TMP/collect.template.yaml" "$KEY" "$LIMITED_KEY" "$TMP" \
  > "$TMP/browser.log" 2>&1 || { cat "$TMP/browser.log" >&2; tail -n 20 "$TMP"/collector-*.log >&2; fail "browser half failed"; }
cat "$TMP/browser.log" >&2
finished=$(date -u +%s)

cat > "$TMP/ingest.yaml" <<YAML
pipeline_id: tracker
source: {topic: $TOPIC, brokers: "$KAFKA_BOOTSTRAP", group: tracker-$$}
target: {table: $TMP/events, quarantine_table: $TMP/events_quarantine}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_type, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
  - {name: session_id, type: string}
  - {name: device_id, type: string}
  - {name: user_id, type: string}
  - {name: page_url, type: string}
  - {name: page_title, type: string}
  - {name: referrer, type: string}
  - {name: screen_width, type: int32}
  - {name: screen_height, type: int32}
  - {name: language, type: string}
  - {name: tracker, type: string}
  - {name: properties, type: json}
  - {name: received_at, type: timestamp, nullable: false}
  - {name: collector_id, type: string}
  - {name: client_ip, type: string}
  - {name: user_agent, type: string}
partition_by:
  - {name: event_date, type: date, source: event_time}
dedup: {key: event_id, window: 24h}
trigger: {interval: 1s}
YAML
"$BIN" ingest --config "$TMP/ingest.yaml" --available-now --max-seconds 90 > "$TMP/ingest.log" 2>&1 ||
  fail "ingest failed: $(tail -n 5 "$TMP/ingest.log")"
summary=$(grep -o 'ingest: [0-9]* batches.*' "$TMP/ingest.log" | tail -n 1)
log "$summary"
"$BIN" cat "$TMP/events" > "$TMP/table.ndjson" || fail "cat of the events table failed"
kafka__java org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$KAFKA_BOOTSTRAP" \
  --topic "$TOPIC" --from-beginning --timeout-ms 15000 > "$TMP/topic.ndjson" 2> "$TMP/consumer.log" || true

python3 - "$TMP/expected.json" "$TMP/table.ndjson" "$TMP/topic.ndjson" "$IP_KEY" "$started" "$finished" \
  "$summary" <<'PY' || fail "the table does not hold the pages' events exactly once (see above)"
import collections, datetime, hashlib, hmac, json, os, re, socket, sys
exp_doc = json.load(open(sys.argv[1]))
rows = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
# (the console consumer ends with its timeout's error on stdout: only the JSON lines count)
topic = [json.loads(l) for l in open(sys.argv[3]) if l.startswith("{")]
ip_key, t0, t1 = sys.argv[4].encode(), int(sys.argv[5]), int(sys.argv[6])
errors = []
def err(m):
    if len(errors) < 20: errors.append(m)

devices = {name: s["d"] for name, s in exp_doc["sessions"].items()}
sessions = {name: s["s"] for name, s in exp_doc["sessions"].items()}
by_device = {d: name for name, d in devices.items()}
want_ip = hmac.new(ip_key, socket.inet_aton("127.0.0.1"), hashlib.sha256).hexdigest()[:32]
uuid4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
def ts(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
def props(r):
    p = r.get("properties")
    return json.loads(p) if isinstance(p, str) else (p or {})

def identity(device, page, etype, p):
    if etype == "click": return (device, page, etype, p.get("id"))
    if etype == "test_event": return (device, page, etype, p.get("seq"))
    return (device, page, etype, None)

want = collections.Counter()
for e in exp_doc["events"]:
    want[(e["device"], e["page"], e["event_type"], e.get("button", e.get("seq")))] += 1
got = collections.Counter()
for r in rows:
    dev = by_device.get(r.get("device_id"), "?" + str(r.get("device_id")))
    m = re.fullmatch(re.escape(exp_doc["pageBase"]) + r"/page\.html\?n=(\d+)(&hold=1|&limited=1)?", r.get("page_url") or "")
    if not m:
        err("page_url %r is not a test page: %s" % (r.get("page_url"), r)); continue
    page = int(m.group(1))
    got[identity(dev, page, r["event_type"], props(r))] += 1
    if not uuid4.match(r["event_id"]): err("event_id not a UUID v4: %s" % r["event_id"])
    if dev in sessions and r.get("session_id") != sessions[dev]:
        err("session_id %s, want %s: %s" % (r.get("session_id"), sessions[dev], r))
    if r.get("client_ip") != want_ip: err("client_ip %r, want the keyed hash %s" % (r.get("client_ip"), want_ip))
    if r.get("collector_id") != "tracker-test": err("collector_id %r" % r.get("collector_id"))
    if "Chrome" not in (r.get("user_agent") or ""): err("user_agent %r" % r.get("user_agent"))
    if r.get("page_title") != "tracker test page %d" % page: err("page_title %r" % r.get("page_title"))
    if r.get("tracker") != "lakestream-js/1": err("tracker %r" % r.get("tracker"))
    rec = ts(r["received_at"])
    if not (t0 - 1 <= rec <= t1 + 1): err("received_at %s outside the run" % r["received_at"])
    if ts(r["event_time"]) > rec + 1: err("event_time %s after received_at %s" % (r["event_time"], r["received_at"]))
    if r["event_type"] == "early" and props(r).get("page") != page: err("early event's properties: %s" % r)
    if r["event_type"] == "test_event" and props(r).get("tags") not in (["a", "b"], []): err("properties: %s" % r)

ids = collections.Counter(r["event_id"] for r in rows)
dup_rows = {i: c for i, c in ids.items() if c > 1}
missing = want - got
extra = got - want
topic_ids = collections.Counter(r["event_id"] for r in topic)
resent = sum(c - 1 for c in topic_ids.values() if c > 1)
print("check: generated=%d table_rows=%d distinct_event_ids=%d topic_records=%d resent_in_topic=%d"
      % (sum(want.values()), len(rows), len(ids), len(topic), resent))
for m in errors: print("  field:", m)
if missing: print("  missing:", sorted(missing.items())[:10])
if extra: print("  extra or duplicated:", sorted(extra.items())[:10])
if dup_rows: print("  event_id twice in the table:", list(dup_rows.items())[:5])
if set(topic_ids) != set(ids): print("  topic and table event_ids differ: %d vs %d" % (len(topic_ids), len(ids)))
ok = not errors and not missing and not extra and not dup_rows and set(topic_ids) == set(ids)
# Page 3 sent nothing itself (a 60 s flush interval): its events reached the collector by the
# beacon on pagehide, and again from page 4, which adopted its stored queue.
page3 = [r["event_id"] for r in rows if "n=3&hold=1" in (r.get("page_url") or "")]
beaconed = sum(1 for i in page3 if topic_ids[i] >= 2)
print("check: page 3's %d events: %d in the topic twice or more (beacon + resend)" % (len(page3), beaconed))
if not page3 or beaconed != len(page3):
    print("  page 3's events were not beaconed and resent"); ok = False
if resent == 0:
    print("  the topic holds no resent event: the resend paths were not exercised"); ok = False
m = re.search(r"(\d+) duplicates dropped, (\d+) quarantined", sys.argv[7])
if not m or int(m.group(2)) != 0:
    print("  ingest quarantined events (or printed no summary): %s" % sys.argv[7]); ok = False
elif int(m.group(1)) != resent:
    print("  ingest dropped %s duplicates, the topic holds %d resends" % (m.group(1), resent)); ok = False
sys.exit(0 if ok else 1)
PY
log "PASS"
