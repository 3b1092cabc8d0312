# Sourced by the streaming tests that run `lakestream ingest` against a real Kafka broker
# (tests/stream_chaos_test.sh, tests/stream_kafka_faults_test.sh): a known set of generated
# events produced to a topic, and the exactly-once check of the tables ingest wrote.
#
#   sc_init BIN WORK                 the lakestream binary and the work directory (expected
#                                    files go to WORK/expected-*.ndjson)
#   sc_config OUT TOPIC GROUP BOOTSTRAP PROPS TRIGGER
#                                    an ingest config from deploy/ingest-clickstream.yaml:
#                                    brokers BOOTSTRAP, tables WORK/events and WORK/quarantine,
#                                    `properties: {PROPS}` (YAML flow-map body, may be empty),
#                                    `trigger: {TRIGGER}`; no user_profile dimension unless
#                                    SC_DIMENSION=1 (then WORK/user_profile)
#   sc_expect EVENTS                 the next chunk (its own seed): writes what the generator
#                                    makes to WORK/expected-N.ndjson and adds its counts to
#                                    SC_GENERATED, SC_MALFORMED, SC_DUPLICATES, SC_EXPECT_GOOD;
#                                    sets SC_CHUNK=N and SC_ARGS (the generator's arguments)
#   sc_produce EVENTS TOPIC BOOTSTRAP [GENERATE ARGS...]
#                                    sc_expect, then the same events produced to TOPIC by
#                                    `lakestream generate` in the background (extra args, e.g.
#                                    --pace-group G --max-lag N --property acks=all, go to that
#                                    producer only); SC_LAST_PID is its PID, also appended to
#                                    SC_PRODUCER_PIDS; its log is WORK/generate-N.log
#   sc_producers_alive               true while any producer runs
#   sc_wait_producers                waits for every producer; fails naming the one that failed
#   sc_check_exactly_once [EVENTS_TABLE [QUARANTINE_TABLE]]
#                                    (default WORK/events, WORK/quarantine) every good event
#                                    generated is in the events table exactly once, every
#                                    malformed one in the quarantine table exactly once,
#                                    nothing else in either; prints a one-line summary, and on
#                                    failure what is missing / duplicated / unexpected, naming
#                                    event_ids and offsets; returns 1 then.
#
# The generator is deterministic per seed, so the expected file holds exactly the bytes
# produced. Its malformed lines are never repeated and its duplicates repeat good lines only,
# so "good" is every distinct expected line that is not quarantined; the checker makes sure
# each such line is a JSON object with an event_id (else it was a malformed record missing
# from quarantine) and that the quarantine holds exactly the generator's malformed count of
# expected lines.
# Tunables: SC_SEED (base seed), SC_MALFORMED_RATE (0.01), SC_DUPLICATE_RATE (0.02).

SC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

sc_init() {
  SC_BIN="$1"
  SC_WORK="$2"
  SC_SEED="${SC_SEED:-20261124}"
  SC_CHUNK=0
  SC_GENERATED=0
  SC_MALFORMED=0
  SC_DUPLICATES=0
  SC_EXPECT_GOOD=0
  SC_PRODUCER_PIDS=()
  SC_ARGS=()
}

sc_config() {
  local out=$1 topic=$2 group=$3 bootstrap=$4 props=$5 trigger=$6
  local deploy="$SC_LIB_DIR/../../deploy/ingest-clickstream.yaml"
  local keep_dim='/^# The user_profile/,$d'
  [ "${SC_DIMENSION:-0}" = 1 ] && keep_dim=''
  sed -e "s|^  topic: clickstream|  topic: $topic\n  group: $group\n  properties: {$props}|" \
      -e "s|^  brokers: .*|  brokers: $bootstrap|" \
      -e "s|/tmp/lakestream/events_quarantine|$SC_WORK/quarantine|" \
      -e "s|/tmp/lakestream/events|$SC_WORK/events|" \
      -e "s|/tmp/lakestream/user_profile|$SC_WORK/user_profile|" \
      -e "s|^trigger:.*|trigger: {$trigger}|" \
      -e "$keep_dim" \
      "$deploy" > "$out"
  if ! grep -q "^  brokers: $bootstrap\$" "$out" || ! grep -q "^  group: $group\$" "$out" ||
     ! grep -q "^trigger: {$trigger}\$" "$out"; then
    echo "stream_checks: $deploy no longer has the topic/brokers/trigger lines sc_config rewrites" >&2
    return 1
  fi
}

sc_expect() {
  local events=$1
  SC_CHUNK=$((SC_CHUNK + 1))
  SC_ARGS=(--events "$events" --seed $((SC_SEED + SC_CHUNK))
           --malformed-rate "${SC_MALFORMED_RATE:-0.01}" --duplicate-rate "${SC_DUPLICATE_RATE:-0.02}")
  local f="$SC_WORK/expected-$SC_CHUNK"
  "$SC_BIN" generate "${SC_ARGS[@]}" --out "$f.ndjson" 2> "$f.txt" ||
    { echo "stream_checks: generate failed: $(cat "$f.txt")" >&2; return 1; }
  local m d
  read -r m d < <(sed -nE 's/.* ([0-9]+) malformed, ([0-9]+) duplicates.*/\1 \2/p' "$f.txt")
  [ -n "$m" ] && [ -n "$d" ] ||
    { echo "stream_checks: no counts in the generator's summary: $(cat "$f.txt")" >&2; return 1; }
  SC_GENERATED=$((SC_GENERATED + events))
  SC_MALFORMED=$((SC_MALFORMED + m))
  SC_DUPLICATES=$((SC_DUPLICATES + d))
  SC_EXPECT_GOOD=$((SC_EXPECT_GOOD + events - m - d))
}

sc_produce() {
  local events=$1 topic=$2 bootstrap=$3
  shift 3
  sc_expect "$events" || return 1
  "$SC_BIN" generate "${SC_ARGS[@]}" --topic "$topic" --brokers "$bootstrap" "$@" \
    2> "$SC_WORK/generate-$SC_CHUNK.log" &
  SC_LAST_PID=$!
  SC_PRODUCER_PIDS+=("$SC_LAST_PID")
}

sc_producers_alive() {
  local p
  for p in "${SC_PRODUCER_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}

sc_kill_producers() {  # for a test's exit trap: no producer outlives its test
  local p
  for p in "${SC_PRODUCER_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${SC_PRODUCER_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

sc_wait_producers() {
  local i rc=0
  for i in "${!SC_PRODUCER_PIDS[@]}"; do
    if ! wait "${SC_PRODUCER_PIDS[$i]}"; then
      echo "stream_checks: producer of chunk $((i + 1)) failed: $(tail -n 3 "$SC_WORK/generate-$((i + 1)).log")" >&2
      rc=1
    fi
  done
  return $rc
}

sc_check_exactly_once() {
  local events="${1:-$SC_WORK/events}" quarantine="${2:-$SC_WORK/quarantine}"
  "$SC_BIN" cat "$events" --columns event_id > "$SC_WORK/check-ids.ndjson" ||
    { echo "stream_checks: cannot read $events" >&2; return 1; }
  "$SC_BIN" cat "$quarantine" --columns partition,offset,payload,payload_encoding \
    > "$SC_WORK/check-quarantine.ndjson" ||
    { echo "stream_checks: cannot read $quarantine" >&2; return 1; }
  python3 - "$SC_WORK" "$SC_MALFORMED" "$SC_EXPECT_GOOD" <<'EOF'
import base64, collections, glob, json, sys

work, malformed, expect_good = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
problems = []
def show(items, n=10):
    items = list(items)
    return ", ".join(map(str, items[:n])) + (f" (+{len(items) - n} more)" if len(items) > n else "")

lines = collections.Counter()
for path in sorted(glob.glob(f"{work}/expected-*.ndjson")):
    with open(path, "rb") as f:
        for line in f:
            lines[line.rstrip(b"\n")] += 1

quarantined = collections.Counter()
offsets = collections.Counter()
with open(f"{work}/check-quarantine.ndjson") as f:
    for row in map(json.loads, f):
        offsets[(row["partition"], row["offset"])] += 1
        p = row["payload"]
        quarantined[base64.b64decode(p) if row["payload_encoding"] == "base64" else p.encode()] += 1
twice = [f"partition {p} offset {o} ({n}x)" for (p, o), n in offsets.items() if n > 1]
if twice:
    problems.append(f"{len(twice)} malformed records quarantined more than once: {show(twice)}")
stray = [q[:60] for q, n in quarantined.items() if n > lines.get(q, 0)]
if stray:
    problems.append(f"{len(stray)} quarantined payloads that were never generated (or more "
                    f"often than generated): {show(repr(s) for s in stray)}")
qrows = sum(offsets.values())
if qrows != malformed:
    problems.append(f"quarantine holds {qrows} records, the generator made {malformed} malformed")

expected_ids = {}
not_good = []
for line in lines:
    if line in quarantined:
        continue
    try:
        obj = json.loads(line)
        eid = obj["event_id"] if isinstance(obj, dict) else None
    except ValueError:
        eid = None
    if not isinstance(eid, str):
        not_good.append(line[:60])
        continue
    expected_ids[eid] = line
if not_good:
    problems.append(f"{len(not_good)} malformed records (no JSON object with an event_id) missing "
                    f"from quarantine: {show(repr(s) for s in not_good)}")

got = collections.Counter()
with open(f"{work}/check-ids.ndjson") as f:
    for row in map(json.loads, f):
        got[row["event_id"]] += 1
missing = sorted(set(expected_ids) - set(got))
dups = sorted(f"{i} ({n}x)" for i, n in got.items() if n > 1)
unknown = sorted(set(got) - set(expected_ids))
if missing:
    problems.append(f"{len(missing)} good events missing from the events table: {show(missing)}")
if dups:
    problems.append(f"{len(dups)} events more than once in the events table: {show(dups)}")
if unknown:
    problems.append(f"{len(unknown)} event_ids in the events table that are not good generated "
                    f"events: {show(unknown)}")
if len(expected_ids) != expect_good:
    problems.append(f"{len(expected_ids)} distinct good events generated, the generator's counts "
                    f"say {expect_good}")
print(f"exactly-once check: events {sum(got.values())} rows, {len(got)} distinct, expected "
      f"{len(expected_ids)}; quarantine {qrows} rows, expected {malformed}", file=sys.stderr)
for p in problems:
    print(f"exactly-once check: FAIL: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}
