#!/usr/bin/env bash
# Cross-check with DuckDB: for a few delta-rs tables, DuckDB reading exactly
# the Parquet files our snapshot lists (with the partition values our
# snapshot typed added back) returns the same multiset of rows as
# `lakestream cat`. Also checks that DuckDB reads a checkpoint we write.
# usage: delta_duckdb_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
DUCK="node $HERE/node/duckdb.mjs"
CMP="node $HERE/node/compare_ndjson.mjs"
TESTDATA="$HERE/../../shared/testdata/delta-rs"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init delta_duckdb_test
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

for t in simple_table delta-0.8.0-partitioned delta-0.8.0-null-partition \
         delta-0.8.0-special-partition delta-2.2.0-partitioned-types partition-type-primitives \
         table_with_edge_timestamps checkpoint-cdf-table simple_table_with_checkpoint \
         http_requests delta-0.8.0-date; do
  "$BIN" describe "$TESTDATA/$t" >"$TMP/$t.describe.json"
  "$BIN" files "$TESTDATA/$t" >"$TMP/$t.files"
  node "$HERE/node/delta_sql.mjs" "$TMP/$t.describe.json" "$TMP/$t.files" >"$TMP/$t.sql"
  $DUCK --file "$TMP/$t.sql" >"$TMP/$t.duckdb"
  "$BIN" cat "$TESTDATA/$t" >"$TMP/$t.ours"
  if $CMP "$TMP/$t.duckdb" "$TMP/$t.ours" --unordered --label "delta $t"; then ok; else bad "$t"; fi
done

# A checkpoint we write is a Parquet file DuckDB reads, with one action per row.
cp -r "$TESTDATA/delta-0.8.0-partitioned" "$TMP/cp"
chmod -R u+w "$TMP/cp"
"$BIN" checkpoint "$TMP/cp" >/dev/null
cpfile="$TMP/cp/_delta_log/00000000000000000000.checkpoint.parquet"
n=$($DUCK "SELECT count(*) AS n FROM read_parquet('$cpfile') WHERE add IS NOT NULL")
if [ "$n" = '{"n":6}' ]; then ok; else bad "checkpoint adds seen by duckdb: $n"; fi
$DUCK "SELECT add.path AS path FROM read_parquet('$cpfile') WHERE add IS NOT NULL" >"$TMP/cp.duck"
"$BIN" files "$TMP/cp" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
  for (const l of lines) {
    const p = JSON.parse(l).path;
    console.log(JSON.stringify({path: p.slice(p.indexOf("/cp/") + 4)}));
  }' >"$TMP/cp.ours"
if $CMP "$TMP/cp.duck" "$TMP/cp.ours" --unordered --label "checkpoint add paths"; then ok; else bad "checkpoint paths"; fi
"$BIN" cat "$TMP/cp" >"$TMP/cp.after"
"$BIN" cat "$TESTDATA/delta-0.8.0-partitioned" >"$TMP/cp.before"
if $CMP "$TMP/cp.before" "$TMP/cp.after" --unordered --label "rows after checkpoint"; then ok; else bad "rows after checkpoint"; fi

echo "delta duckdb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
