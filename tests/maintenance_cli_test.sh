#!/usr/bin/env bash
# Table maintenance through the CLI, checked against DuckDB:
#  1. archive --dry-run lists the old partitions and writes nothing; archive
#     moves them (rows counted on both sides), a rerun is a no-op, every id
#     is in exactly one table and DuckDB reads the archive's files.
#  2. optimize compacts (same rows as before), a rerun commits nothing;
#     optimize --zorder-by keeps the rows too.
#  3. query --agg agrees with DuckDB over the same live files.
#  4. Bad input fails with exit code 2 and a message.
# usage: maintenance_cli_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
DUCK="node $HERE/node/duckdb.mjs"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init maintenance_cli_test
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
jget() { node -e 'const j = JSON.parse(process.argv[1]); console.log(j[process.argv[2]]);' "$1" "$2"; }

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64","nullable":false},{"name":"country","type":"string"},
 {"name":"event_date","type":"date"},{"name":"amount","type":"double"}]}
JSON
gen() {  # first count -> NDJSON over six months of 2024
  node -e '
    const [first, n] = process.argv.slice(1).map(Number);
    const cs = ["DE", "FR", "US"];
    let out = "";
    for (let i = first; i < first + n; i++) {
      out += JSON.stringify({id: i, country: cs[i % 3], event_date: `2024-0${1 + (i % 6)}-15`,
        amount: i % 7 === 0 ? null : i * 1.25}) + "\n";
    }
    process.stdout.write(out);' "$1" "$2"
}
T="$TMP/live"
A="$TMP/archive"
for b in 0 1 2; do
  gen $((b * 1000)) 600 >"$TMP/b$b.ndjson"
  "$BIN" write "$T" --schema "$TMP/schema.json" --partition-by event_date \
    --from-json "$TMP/b$b.ndjson" >/dev/null
done
"$BIN" cat "$T" --columns id | sort >"$TMP/all_ids"
check "rows written" "$(wc -l <"$TMP/all_ids")" 1800

# 1. archive
# Into itself, however spelt: refused before anything is committed (issue 14: a rerun of
# this used to "resume" and remove every file of the table).
v_before=$(ls "$T/_delta_log" | grep -c '\.json$')
for same in "$T/" "file://$T" "$T/../live" "$(cd "$TMP" && pwd -P)/live"; do
  if "$BIN" archive --table "$T" --archive-table "$same" --before 2024-04-01 \
      >/dev/null 2>"$TMP/self.err"; then
    bad "archive into $same succeeded"
  elif grep -q "is the live table" "$TMP/self.err"; then ok; else bad "archive into $same: $(cat "$TMP/self.err")"; fi
done
check "archive into itself committed nothing" "$(ls "$T/_delta_log" | grep -c '\.json$')" "$v_before"
check "archive into itself lost nothing" "$("$BIN" cat "$T" --columns id | wc -l)" 1800
"$BIN" archive --table "$T" --archive-table "$A" --before 2024-04-01 --dry-run \
  >"$TMP/dry" 2>"$TMP/dry.err"
check "dry run partitions" "$(wc -l <"$TMP/dry")" 3
check "dry run wrote nothing" "$([ -e "$A" ] && echo yes || echo no)" no
"$BIN" archive --table "$T" --archive-table "$A" --before 2024-04-01 >/dev/null 2>"$TMP/arch.err"
summary=$(cat "$TMP/arch.err")
check "rows counted on both sides" "$(jget "$summary" rows_live)" "$(jget "$summary" rows_archive)"
check "rows moved" "$(jget "$summary" rows_live)" 900
"$BIN" archive --table "$T" --archive-table "$A" --before 2024-04-01 >/dev/null 2>"$TMP/again.err"
check "rerun is a no-op" "$(jget "$(cat "$TMP/again.err")" live_version)" -1
{ "$BIN" cat "$T" --columns id; "$BIN" cat "$A" --columns id; } | sort >"$TMP/both_ids"
if cmp -s "$TMP/all_ids" "$TMP/both_ids"; then ok; else bad "live + archive ids differ from the original"; fi
old_in_live=$("$BIN" cat "$T" --where "event_date < '2024-04-01'" --columns id | wc -l)
check "no old rows left in live" "$old_in_live" 0
files=$("$BIN" files "$A" | node -e '
  const ls = require("fs").readFileSync(0, "utf8").trim().split("\n");
  console.log(ls.map((l) => `'"'"'${JSON.parse(l).path}'"'"'`).join(","));')
duck_n=$($DUCK "SELECT count(*) AS n FROM read_parquet([$files])")
check "DuckDB reads the archive" "$(jget "$duck_n" n)" 900

# 2. optimize
"$BIN" cat "$T" | sort >"$TMP/before_opt"
files_before=$("$BIN" files "$T" | wc -l)
opt=$("$BIN" optimize "$T" --target-file-size 1MB)
check "optimize removed" "$(jget "$opt" files_removed)" "$files_before"
check "one file per partition" "$("$BIN" files "$T" | wc -l)" 3
"$BIN" cat "$T" | sort >"$TMP/after_opt"
if cmp -s "$TMP/before_opt" "$TMP/after_opt"; then ok; else bad "optimize changed the rows"; fi
check "second optimize commits nothing" "$(jget "$("$BIN" optimize "$T" --target-file-size 1MB)" version)" -1
"$BIN" optimize "$T" --zorder-by amount,id --target-file-size 4KB >/dev/null
"$BIN" cat "$T" | sort >"$TMP/after_z"
if cmp -s "$TMP/before_opt" "$TMP/after_z"; then ok; else bad "zorder changed the rows"; fi
check "history shows OPTIMIZE" "$("$BIN" history "$T" | grep -c '"OPTIMIZE"')" 2

# 3. query vs DuckDB
ours=$("$BIN" query "$T" --where "country = 'DE' AND amount > 100" --agg 'count,sum(id),max(amount)' \
  2>"$TMP/q.err")
files=$("$BIN" files "$T" | node -e '
  const ls = require("fs").readFileSync(0, "utf8").trim().split("\n");
  console.log(ls.map((l) => `'"'"'${JSON.parse(l).path}'"'"'`).join(","));')
theirs=$($DUCK "SELECT count(*) AS n, sum(id) AS s, max(amount) AS m FROM read_parquet([$files])
  WHERE country = 'DE' AND amount > 100")
check "query count" "$(jget "$ours" count)" "$(jget "$theirs" n)"
check "query sum" "$(jget "$ours" 'sum(id)')" "$(jget "$theirs" s)"
check "query max" "$(jget "$ours" 'max(amount)')" "$(jget "$theirs" m)"
grep -q '^scan: {"files_total"' "$TMP/q.err" && ok || bad "query prints scan stats: $(cat "$TMP/q.err")"
grouped=$("$BIN" query "$T" --group-by event_date --agg count 2>/dev/null | wc -l)
check "group by partitions" "$grouped" 3

# 4. bad input
expect_fail() {  # name command...
  local name=$1
  shift
  set +e
  "$@" >/dev/null 2>"$TMP/err"
  local rc=$?
  set -e
  if [ "$rc" = 2 ] && grep -q "lakestream:" "$TMP/err"; then ok; else bad "$name: rc=$rc $(cat "$TMP/err")"; fi
}
expect_fail "optimize on a data column" "$BIN" optimize "$T" --where "amount > 1"
expect_fail "sum of a string" "$BIN" query "$T" --agg 'sum(country)'
expect_fail "archive age unit" "$BIN" archive --table "$T" --archive-table "$A" --older-than 1y
expect_fail "bad size" "$BIN" optimize "$T" --target-file-size 12XB

echo "maintenance_cli_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
