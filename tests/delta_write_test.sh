#!/usr/bin/env bash
# End-to-end Delta writes through the CLI:
#  1. N processes append to one table at once: no row lost or duplicated.
#  2. Idempotent replay (--app-id/--app-version) is a no-op.
#  3. After appends, a replaceWhere overwrite, deletes and a checkpoint,
#     DuckDB reading exactly the files our snapshot lists (plus partition
#     values) returns the same rows as `lakestream cat`.
#  4. --where agrees with DuckDB's WHERE; restore and vacuum work.
# usage: delta_write_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
DUCK="node $HERE/node/duckdb.mjs"
CMP="node $HERE/node/compare_ndjson.mjs"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init delta_write_test
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64","nullable":false},{"name":"country","type":"string"},
 {"name":"event_date","type":"date"},{"name":"amount","type":"double"},
 {"name":"ts","type":"timestamp"},{"name":"note","type":"string"}]}
JSON
gen() {  # first count -> NDJSON
  node -e '
    const [first, n] = process.argv.slice(1).map(Number);
    const cs = ["DE", "FR", "US", "A/B x", "50%"];
    let out = "";
    for (let i = first; i < first + n; i++) {
      out += JSON.stringify({id: i, country: cs[i % 5], event_date: `2026-01-0${1 + (i % 3)}`,
        amount: i % 7 === 0 ? null : i * 1.25,
        ts: new Date(Date.UTC(2026, 0, 1) + i * 1234).toISOString(),
        note: i % 11 === 0 ? null : "n".repeat(i % 40)}) + "\n";
    }
    process.stdout.write(out);' "$1" "$2"
}
T="$TMP/t"
W=("$BIN" write "$T" --schema "$TMP/schema.json" --partition-by country)

# 1. concurrent appends from 6 processes, 3 commits each
gen 0 100 >"$TMP/init.ndjson"
"${W[@]}" --from-json "$TMP/init.ndjson" >/dev/null
pids=()
for p in 0 1 2 3 4 5; do
  (for c in 0 1 2; do
     f="$TMP/p${p}_${c}.ndjson"
     gen $((1000 + (p * 3 + c) * 50)) 50 >"$f"
     "${W[@]}" --from-json "$f" >/dev/null
   done) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$BIN" cat "$T" --columns id >"$TMP/ids"
n=$(wc -l <"$TMP/ids")
d=$(sort -u "$TMP/ids" | wc -l)
if [ "$n" = 1000 ] && [ "$d" = 1000 ]; then ok; else bad "concurrent appends: $n rows, $d distinct"; fi

# 2. idempotent replay
gen 5000 10 >"$TMP/idem.ndjson"
"${W[@]}" --from-json "$TMP/idem.ndjson" --app-id job --app-version 1 >/dev/null
out=$("${W[@]}" --from-json "$TMP/idem.ndjson" --app-id job --app-version 1)
n=$("$BIN" cat "$T" --columns id | wc -l)
if [[ "$out" == *'"skipped":true'* ]] && [ "$n" = 1010 ]; then ok; else bad "replay: $out, $n rows"; fi

# 3. overwrite a partition, delete by partition and by data, checkpoint
node -e 'const fs=require("fs");for(const l of fs.readFileSync(process.argv[1],"utf8").split("\n")){if(!l)continue;const r=JSON.parse(l);if(r.country==="FR"){r.id+=100000;console.log(JSON.stringify(r));}}' "$TMP/init.ndjson" >"$TMP/fr.ndjson"
"${W[@]}" --from-json "$TMP/fr.ndjson" --mode overwrite --replace-where "country = 'FR'" >/dev/null
"$BIN" delete "$T" --where "country = 'US'" >/dev/null
"$BIN" delete "$T" --where "amount > 1000 AND event_date = '2026-01-02'" >/dev/null
"$BIN" checkpoint "$T" >/dev/null
if "$BIN" cat "$T" | grep -q '"country":"US"'; then bad "US rows survived delete"; else ok; fi
"${W[@]}" --from-json "$TMP/idem.ndjson" >/dev/null
"$BIN" describe "$T" >"$TMP/describe.json"
"$BIN" files "$T" >"$TMP/files"
node "$HERE/node/delta_sql.mjs" "$TMP/describe.json" "$TMP/files" >"$TMP/q.sql"
$DUCK --file "$TMP/q.sql" >"$TMP/duck"
"$BIN" cat "$T" >"$TMP/ours"
if $CMP "$TMP/duck" "$TMP/ours" --unordered --label "delta write: duckdb vs cat"; then ok; else bad "duckdb rows"; fi

# 4. --where against DuckDB's WHERE over the same files
where="event_date >= '2026-01-02' AND (country = 'DE' OR country IN ('A/B x', '50%')) AND amount IS NOT NULL"
{ echo "SELECT * FROM ("; cat "$TMP/q.sql"; echo ") WHERE $where"; } >"$TMP/qw.sql"
$DUCK --file "$TMP/qw.sql" >"$TMP/duckw"
"$BIN" cat "$T" --where "$where" --stats >"$TMP/oursw" 2>"$TMP/stats"
if $CMP "$TMP/duckw" "$TMP/oursw" --unordered --label "delta --where"; then ok; else bad "--where rows"; fi
if grep -q '"files_skipped":[1-9]\|"files_pruned":[1-9]' "$TMP/stats"; then ok; else bad "no files skipped: $(cat "$TMP/stats")"; fi

v=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' "$TMP/describe.json")
"$BIN" restore "$T" --version 0 >/dev/null
n=$("$BIN" cat "$T" | wc -l)
if [ "$n" = 100 ]; then ok; else bad "restore to 0: $n rows"; fi
if "$BIN" vacuum "$T" --retention-hours 0 --dry-run 2>/dev/null; then bad "short retention allowed"; else ok; fi
"$BIN" vacuum "$T" --retention-hours 0 --ignore-retention-check >/dev/null 2>&1
n=$("$BIN" cat "$T" | wc -l)
live=$("$BIN" files "$T" | wc -l)
ondisk=$(find "$T" -name '*.parquet' -not -path '*/_delta_log/*' | wc -l)
if [ "$n" = 100 ] && [ "$live" = "$ondisk" ]; then ok; else bad "vacuum: $n rows, $live live, $ondisk on disk"; fi
if "$BIN" restore "$T" --version "$v" 2>/dev/null; then bad "restore of vacuumed files"; else ok; fi

echo "delta write: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
