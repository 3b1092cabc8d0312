#!/usr/bin/env bash
# Every table operation on Azure Blob Storage (Azurite) exactly as on a local
# path, through the CLI:
#  1. create + appends, read, history: the Azure table equals the same
#     operations on a local table (abfss:// and az:// URIs name one table).
#  2. checkpoint, delete by predicate, vacuum: same rows, vacuumed files gone.
#  3. merge (SCD1) into the Azure table: same result as locally.
#  4. 6 processes append to one Azure table at once: every commit version is
#     won by exactly one writer, no append lost or doubled.
#  5. `ingest --available-now --generate` from a topic on the real Kafka broker
#     (tests/peers/kafka) into an Azure table with its quarantine table
#     (abfss:// form): rows land exactly once.
#  5b. optimize --zorder-by and archive (to the clickstream-logs-archive
#     container, Archive tier) on that Azure table; a rerun of archive is a no-op.
#  6. Faults (tests/node/fault_proxy.mjs between us and Azurite: 503s, 429s,
#     connections dropped mid-upload and after the write): with retries every
#     append lands once; without retries failed appends leave no visible
#     partial state (each commit is whole or absent, every listed file reads).
#  7. Tiers and the second container: a data file copied to the archive
#     container and set to Archive; reading it fails with a clear message.
# Azurite, the proxy and the broker run on 127.0.0.1, free ports, stopped by PID.
# usage: azure_e2e_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
CMP="node $HERE/node/compare_ndjson.mjs"
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  kafka_fixture_release
  rm -rf "$TMP"
}
trap cleanup EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# start_peer VAR LOG CMD...: runs CMD in the background (its PID kept for the
# trap; not in a subshell, so the trap sees it) and sets VAR to its URL once
# it listens.
start_peer() {
  local var="$1" log="$2"
  shift 2
  "$@" >"$log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do
    local url
    url=$(grep -oE 'listen[a-z ]*on http://127\.0\.0\.1:[0-9]+' "$log" | grep -oE 'http://.*' || true)
    if [ -n "$url" ]; then printf -v "$var" '%s' "$url"; return 0; fi
    sleep 0.1
  done
  echo "peer did not start: $(cat "$log")" >&2
  return 1
}

start_peer AZURITE_URL "$TMP/azurite.log" "$HERE/node/node_modules/.bin/azurite-blob" \
  --blobHost 127.0.0.1 --blobPort 0 --inMemoryPersistence --skipApiVersionCheck \
  --disableTelemetry --loose
export LAKESTREAM_AZURE_ENDPOINT="$AZURITE_URL"
# Azurite's well-known development key (public); real keys come from the
# environment or the secrets file (LAKESTREAM_SECRETS_FILE) the same way.
export AZURE_STORAGE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
ACCT=devstoreaccount1
"$BIN" storage mkcontainer "az://$ACCT/unity-catalog"
"$BIN" storage mkcontainer "az://$ACCT/clickstream-logs-archive"

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64","nullable":false},{"name":"country","type":"string"},
 {"name":"amount","type":"double"},{"name":"ts","type":"timestamp"},{"name":"seq","type":"int64"}]}
JSON
gen() {  # first count [seq] -> NDJSON
  node -e '
    const [first, n, seq] = process.argv.slice(1).map(Number);
    const cs = ["DE", "FR", "US", "A/B x", "50%"];
    let out = "";
    for (let i = first; i < first + n; i++) {
      out += JSON.stringify({id: i, country: cs[i % 5], amount: i % 7 === 0 ? null : i * 1.25,
        ts: new Date(Date.UTC(2026, 0, 1) + i * 1234).toISOString(), seq: seq || 1}) + "\n";
    }
    process.stdout.write(out);' "$@"
}
sorted_cat() { "$BIN" cat "$@" | sort; }

L="$TMP/local_t"
A="az://$ACCT/unity-catalog/sales/t"
A2="abfss://unity-catalog@$ACCT.dfs.core.windows.net/sales/t"  # the same table

# 1. create, appends, read, history
gen 0 200 >"$TMP/init.ndjson"
for t in "$L" "$A"; do
  "$BIN" write "$t" --from-json "$TMP/init.ndjson" --schema "$TMP/schema.json" \
    --partition-by country >/dev/null
  for k in 1 2 3; do
    gen $((1000 * k)) 100 >"$TMP/a$k.ndjson"
    "$BIN" write "$t" --from-json "$TMP/a$k.ndjson" --schema "$TMP/schema.json" >/dev/null
  done
done
sorted_cat "$L" >"$TMP/l1"
sorted_cat "$A2" >"$TMP/a1"
if [ "$(wc -l <"$TMP/a1")" = 500 ] && cmp -s "$TMP/l1" "$TMP/a1"; then ok; else
  bad "appends: azure table differs from local ($(wc -l <"$TMP/a1") rows)"; fi
if [ "$("$BIN" history "$A" | wc -l)" = 4 ]; then ok; else bad "history: $("$BIN" history "$A" | wc -l) versions"; fi
if [ "$("$BIN" cat "$A" --version 0 | wc -l)" = 200 ]; then ok; else bad "time travel on azure"; fi
w1=$("$BIN" cat "$A" --where "country = 'DE' AND amount > 100" | sort)
w2=$("$BIN" cat "$L" --where "country = 'DE' AND amount > 100" | sort)
if [ -n "$w1" ] && [ "$w1" = "$w2" ]; then ok; else bad "--where on azure"; fi

# 2. checkpoint, delete, vacuum
for t in "$L" "$A"; do
  "$BIN" checkpoint "$t" >/dev/null
  "$BIN" delete "$t" --where "country = 'FR' OR id < 50" >/dev/null
done
if "$BIN" storage ls "$A/_delta_log/" | grep -q '00000000000000000003.checkpoint.parquet'; then ok; else
  bad "no checkpoint on azure"; fi
sorted_cat "$L" >"$TMP/l2"
sorted_cat "$A" >"$TMP/a2"
if [ -s "$TMP/a2" ] && cmp -s "$TMP/l2" "$TMP/a2"; then ok; else bad "delete: azure differs from local"; fi
before=$("$BIN" storage ls "$A/" | grep -c '\.parquet$' || true)
"$BIN" vacuum "$A" --retention-hours 0 --ignore-retention-check >/dev/null
after=$("$BIN" storage ls "$A/" | grep -v _delta_log | grep -c '\.parquet$' || true)
live=$("$BIN" files "$A" | wc -l)
if [ "$after" = "$live" ] && [ "$before" -gt "$after" ]; then ok; else
  bad "vacuum on azure: $before -> $after files, $live live"; fi
sorted_cat "$A" >"$TMP/a3"
if cmp -s "$TMP/l2" "$TMP/a3"; then ok; else bad "rows changed by vacuum"; fi

# 3. merge (SCD1): updates for some ids, inserts for new ones
{ gen 1000 30 5; gen 9000 20 5; } >"$TMP/upd.ndjson"
for t in "$L" "$A"; do
  "$BIN" merge "$t" --source "$TMP/upd.ndjson" --schema "$TMP/schema.json" --keys id \
    --mode scd1 --sequence-by seq >/dev/null
done
sorted_cat "$L" >"$TMP/l4"
sorted_cat "$A" >"$TMP/a4"
if cmp -s "$TMP/l4" "$TMP/a4" && grep -q '"id":9000' "$TMP/a4" && grep -q '"seq":5' "$TMP/a4"; then
  ok; else bad "merge: azure differs from local"; fi

# 4. concurrent writers racing on the same commits
C="az://$ACCT/unity-catalog/race"
gen 0 10 >"$TMP/r0.ndjson"
"$BIN" write "$C" --from-json "$TMP/r0.ndjson" --schema "$TMP/schema.json" >/dev/null
wpids=()
for p in 0 1 2 3 4 5; do
  (for c in 0 1 2; do
     f="$TMP/race_${p}_${c}.ndjson"
     gen $((100000 + (p * 3 + c) * 40)) 40 >"$f"
     "$BIN" write "$C" --from-json "$f" --schema "$TMP/schema.json" >/dev/null
   done) &
  wpids+=($!)
done
wfail=0
for pid in "${wpids[@]}"; do wait "$pid" || wfail=$((wfail + 1)); done
"$BIN" cat "$C" --columns id >"$TMP/race_ids"
n=$(wc -l <"$TMP/race_ids")
d=$(sort -u "$TMP/race_ids" | wc -l)
versions=$("$BIN" history "$C" | wc -l)
commits=$("$BIN" storage ls "$C/_delta_log/" | grep -c '[0-9]\.json$')
if [ "$wfail" = 0 ] && [ "$n" = 730 ] && [ "$d" = 730 ] && [ "$versions" = 19 ] && [ "$commits" = 19 ]; then
  ok; else bad "race: $wfail writers failed, $n rows ($d distinct), $versions versions, $commits commits"; fi

# 5. streaming ingest into Azure (events + quarantine on the abfss:// form)
E="az://$ACCT/unity-catalog/events"
Q="abfss://unity-catalog@$ACCT.dfs.core.windows.net/events_quarantine"
kafka_fixture_use
TOPIC="azure-e2e-$$"
kafka_topics --create --topic "$TOPIC" --partitions 4 --replication-factor 1 >"$TMP/topic.log" 2>&1 || {
  cat "$TMP/topic.log" >&2; bad "creating topic $TOPIC"; }
sed -e "s|^  table: /tmp/lakestream/events$|  table: $E|" -e "s|^  quarantine_table: .*|  quarantine_table: $Q|" \
  -e "s|/tmp/lakestream/user_profile|az://$ACCT/unity-catalog/user_profile|" \
  -e "s|^  topic: clickstream|  topic: $TOPIC\n  group: $TOPIC|" -e "s|^  brokers: .*|  brokers: $KAFKA_BOOTSTRAP|" \
  "$HERE/../deploy/ingest-clickstream.yaml" >"$TMP/ingest.yaml"
"$BIN" ingest --config "$TMP/ingest.yaml" --available-now --generate 4000 >"$TMP/ingest.out" 2>&1 || {
  cat "$TMP/ingest.out" >&2; bad "ingest failed"; }
events=$(grep -oE '[0-9]+ events, [0-9]+ duplicates dropped, [0-9]+ quarantined' "$TMP/ingest.out" | tail -1)
ev=$(echo "$events" | awk '{print $1}')
qu=$(echo "$events" | awk '{print $6}')
n_ev=$("$BIN" cat "$E" --columns event_id | wc -l)
d_ev=$("$BIN" cat "$E" --columns event_id | sort -u | wc -l)
n_q=$("$BIN" cat "az://$ACCT/unity-catalog/events_quarantine" | wc -l)
if [ -n "$ev" ] && [ "$ev" -gt 3000 ] && [ "$n_ev" = "$ev" ] && [ "$d_ev" = "$ev" ] && [ "$n_q" = "$qu" ]; then
  ok; else bad "ingest: reported '$events', table has $n_ev events ($d_ev distinct), $n_q quarantined"; fi

# 5b. optimize (Z-order) and archive on the Azure events table: optimize keeps the
# exact rows; archive moves every partition before 2100-01-01 to the archive
# container (data files in the Archive tier, its log readable) and empties the
# live table.
"$BIN" cat "$E" --columns event_id | sort >"$TMP/ev_before"
"$BIN" optimize "$E" --zorder-by user_id --target-file-size 1MB >"$TMP/opt.out" 2>&1 || {
  cat "$TMP/opt.out" >&2; bad "optimize on Azure failed"; }
"$BIN" cat "$E" --columns event_id | sort >"$TMP/ev_after"
if cmp -s "$TMP/ev_before" "$TMP/ev_after" && [ -s "$TMP/ev_after" ] &&
   "$BIN" history "$E" | grep -q OPTIMIZE; then ok; else
  bad "optimize on Azure: rows differ or no OPTIMIZE commit ($(wc -l <"$TMP/ev_before") vs $(wc -l <"$TMP/ev_after"))"; fi
AR="az://$ACCT/clickstream-logs-archive/events"
"$BIN" archive --table "$E" --archive-table "$AR" --before 2100-01-01 >"$TMP/arch.out" 2>&1 || {
  cat "$TMP/arch.out" >&2; bad "archive on Azure failed"; }
live=$("$BIN" cat "$E" --columns event_id | wc -l)
archived=$("$BIN" files "$AR" | sed -E 's/.*"numRecords":([0-9]+).*/\1/' | awk '{ n += $1 } END { print n + 0 }')
afile=$("$BIN" files "$AR" | head -1 | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).path))')
if [ "$live" = 0 ] && [ "$archived" = "$(wc -l <"$TMP/ev_after")" ] &&
   [ "$("$BIN" storage tier "$afile")" = Archive ]; then ok; else
  bad "archive on Azure: $live live rows left, $archived archived of $(wc -l <"$TMP/ev_after"), tier $("$BIN" storage tier "$afile")"; fi
# A rerun moves nothing and commits nothing.
v0=$("$BIN" history "$AR" | wc -l)
"$BIN" archive --table "$E" --archive-table "$AR" --before 2100-01-01 >/dev/null 2>&1 || bad "archive rerun failed"
if [ "$("$BIN" history "$AR" | wc -l)" = "$v0" ]; then ok; else bad "archive rerun committed again"; fi

# 6. faults between us and Azurite
start_peer PROXY_URL "$TMP/proxy.log" node "$HERE/node/fault_proxy.mjs" --target "$AZURITE_URL" \
  --seed 11 --p503 0.15 --p429 0.05 --pDropUpload 0.1 --pDropResponse 0.1
F="az://$ACCT/unity-catalog/faulty"
gen 0 20 >"$TMP/f0.ndjson"
"$BIN" write "$F" --from-json "$TMP/f0.ndjson" --schema "$TMP/schema.json" >/dev/null
fok=0
for k in $(seq 1 8); do
  gen $((k * 1000)) 20 >"$TMP/f$k.ndjson"
  if LAKESTREAM_AZURE_ENDPOINT="$PROXY_URL" "$BIN" write "$F" --from-json "$TMP/f$k.ndjson" \
      --schema "$TMP/schema.json" >/dev/null 2>"$TMP/f.err"; then fok=$((fok + 1)); else cat "$TMP/f.err" >&2; fi
done
n=$("$BIN" cat "$F" --columns id | wc -l)
d=$("$BIN" cat "$F" --columns id | sort -u | wc -l)
if [ "$fok" = 8 ] && [ "$n" = 180 ] && [ "$d" = 180 ]; then ok; else
  bad "faults with retries: $fok/8 appends ok, $n rows ($d distinct)"; fi
# Without retries some appends fail; each commit is then whole or absent.
nf=0
for k in $(seq 11 22); do
  gen $((k * 1000)) 20 >"$TMP/g$k.ndjson"
  if LAKESTREAM_AZURE_ENDPOINT="$PROXY_URL" LAKESTREAM_AZURE_MAX_ATTEMPTS=1 "$BIN" write "$F" \
      --from-json "$TMP/g$k.ndjson" --schema "$TMP/schema.json" >/dev/null 2>&1; then :; else
    nf=$((nf + 1)); fi
done
"$BIN" cat "$F" --columns id >"$TMP/f_ids" 2>"$TMP/f_cat.err" || bad "cat after faults: $(cat "$TMP/f_cat.err")"
n=$(wc -l <"$TMP/f_ids")
d=$(sort -u "$TMP/f_ids" | wc -l)
whole=1
for k in $(seq 11 22); do  # each batch: all 20 rows or none
  c=$(grep -cE "^\{\"id\":${k}0[0-9][0-9]\}$" "$TMP/f_ids" || true)
  if [ "$c" != 0 ] && [ "$c" != 20 ]; then whole=0; fi
done
if [ "$nf" -gt 0 ] && [ "$n" = "$d" ] && [ $((n % 20)) = 0 ] && [ "$whole" = 1 ] && [ "$n" -lt 420 ]; then
  ok; else bad "faults without retries: $nf failed appends, $n rows ($d distinct), whole=$whole"; fi
stats=$(node -e 'fetch(process.argv[1]).then(r => r.text()).then(console.log)' "$PROXY_URL/__faults")
if echo "$stats" | grep -qE '"(s503|dropUpload|dropResponse)":0[,}]'; then bad "a fault was never injected: $stats"; else ok; fi

# 7. tiers and the archive container
src=$("$BIN" files "$A" | head -1 | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).path))')
src_uri="$src"  # `files` prints resolved paths
dst="az://$ACCT/clickstream-logs-archive/sales/t/$(basename "$src_uri")"
"$BIN" storage cp "$src_uri" "$dst"
"$BIN" storage tier "$dst" Archive
if [ "$("$BIN" storage tier "$dst")" = Archive ] && [ "$("$BIN" storage tier "$src_uri")" = Hot ]; then ok; else
  bad "tiers: $("$BIN" storage tier "$dst") / $("$BIN" storage tier "$src_uri")"; fi
if "$BIN" parquet meta "$dst" >/dev/null 2>"$TMP/arch.err"; then bad "read an archived blob"; else
  grep -q 'Archive tier' "$TMP/arch.err" && ok || bad "archived read error: $(cat "$TMP/arch.err")"; fi

# Bad credentials and missing containers fail clearly, without the key.
if AZURE_STORAGE_KEY='d3JvbmcgYnV0IHZhbGlkIGJhc2U2NCBrZXkgYnl0ZXM=' "$BIN" cat "$A" >/dev/null 2>"$TMP/auth.err"; then
  bad "wrong key accepted"; else
  grep -q '403' "$TMP/auth.err" && ! grep -q 'd3Jvbmc' "$TMP/auth.err" && ok || bad "auth error: $(cat "$TMP/auth.err")"; fi
if "$BIN" cat "az://$ACCT/nope/t" >/dev/null 2>"$TMP/nc.err"; then bad "missing container"; else
  grep -q "container 'nope' does not exist" "$TMP/nc.err" && ok || bad "missing container: $(cat "$TMP/nc.err")"; fi

echo "azure_e2e_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
