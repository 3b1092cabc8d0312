#!/usr/bin/env bash
# The catalog through the CLI (docs/catalog.md): create a catalog, schema and managed table,
# write into it by name, read it back by name (cat, query) and by its location, register an
# external table, refuse bad names and a name without a metastore, let exactly one of four
# concurrent create-table of one name win, and drop: the managed table's files go, the
# external table's data stays.
# usage: catalog_cli_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init catalog_cli_test
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
field() { node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(j[process.argv[1]])' "$1"; }

MS="$TMP/metastore.db"
ls_() { "$BIN" --metastore "$MS" "$@"; }

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64","nullable":false},{"name":"page","type":"string"}]}
JSON
for i in $(seq 1 50); do echo "{\"id\":$i,\"page\":\"/p/$((i % 7))\"}"; done >"$TMP/rows.ndjson"

ls_ catalog create-catalog Demo --storage-root "$TMP/lake" --comment "the demo" >"$TMP/cat.json"
[ "$(field name <"$TMP/cat.json")" = demo ] && ok || bad "catalog name not lower-cased"
ls_ catalog create-schema demo.bronze >/dev/null && ok || bad "create-schema"
ls_ catalog create-table demo.bronze.events --schema "$TMP/schema.json" >"$TMP/table.json"
LOC="$(field storage_location <"$TMP/table.json")"
ID="$(field table_id <"$TMP/table.json")"
case "$LOC" in "$TMP/lake/__unitystorage/catalogs/"*"/tables/$ID") ok ;; *) bad "managed location $LOC" ;; esac
# The Delta log's own metaData id is the catalog's table id.
grep -q "\"id\":\"$ID\"" "$LOC/_delta_log/00000000000000000000.json" && ok || bad "Delta metaData id != $ID"

# Write and read back by name; the env variable works as well as the flag.
ls_ write demo.bronze.events --from-json "$TMP/rows.ndjson" --schema "$TMP/schema.json" >/dev/null
n="$(LAKESTREAM_METASTORE="$MS" "$BIN" cat demo.bronze.events | wc -l)"
[ "$n" = 50 ] && ok || bad "cat by name: $n rows, want 50"
cmp <(ls_ cat demo.bronze.events | sort) <("$BIN" cat "$LOC" | sort) && ok || bad "by name != by location"
cmp <(ls_ cat demo.bronze.events | sort) <(sort "$TMP/rows.ndjson") && ok || bad "rows differ from input"
cnt="$(ls_ query demo.bronze.events --where "id <= 10" --agg count 2>/dev/null | head -1)"
echo "$cnt" | grep -q '10' && ok || bad "query by name: $cnt"
ls_ catalog describe demo.bronze.events >"$TMP/desc.json"
[ "$(field delta_version <"$TMP/desc.json")" = 1 ] && ok || bad "describe: $(cat "$TMP/desc.json")"
grep -q '"type_text":"long"' "$TMP/desc.json" && ok || bad "describe columns"

# External table: written by path, registered, read by name.
"$BIN" write "$TMP/ext" --from-json "$TMP/rows.ndjson" --schema "$TMP/schema.json" >/dev/null
ls_ catalog register demo.bronze.ext "$TMP/ext" >"$TMP/ext.json"
[ "$(field table_type <"$TMP/ext.json")" = EXTERNAL ] && ok || bad "register"
[ "$(ls_ cat demo.bronze.ext | wc -l)" = 50 ] && ok || bad "cat external by name"
[ "$(ls_ catalog list demo.bronze | wc -l)" = 2 ] && ok || bad "list tables"

# Bad names and a name without a metastore: usage errors (exit 2) saying why.
set +e
ls_ catalog create-schema 'demo.a/b' 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "only ASCII letters" "$TMP/err" && ok || bad "bad name: rc $rc $(cat "$TMP/err")"
ls_ catalog create-schema "demo.x'; DROP TABLE uc_tables; --" 2>/dev/null; rc=$?
[ $rc = 2 ] && ok || bad "SQL in a name: rc $rc"
env -u LAKESTREAM_METASTORE "$BIN" cat demo.bronze.events 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q -- "--metastore" "$TMP/err" && ok || bad "no metastore: rc $rc"
ls_ cat demo.bronze.nope 2>/dev/null; rc=$?
[ $rc = 3 ] && ok || bad "unknown name: rc $rc, want 3"
set -e

# Four concurrent creates of one name: one wins, three are told it exists.
pids=()
for i in 1 2 3 4; do
  (set +e; ls_ catalog create-table demo.bronze.race --schema "$TMP/schema.json" >/dev/null 2>"$TMP/race$i.err"; echo $? >"$TMP/race$i.rc") &
  pids+=($!)
done
wait "${pids[@]}" || true
wins="$(cat "$TMP"/race*.rc | grep -c '^0$' || true)"
exists="$(grep -l "already exists" "$TMP"/race*.err | wc -l)"
[ "$wins" = 1 ] && [ "$exists" = 3 ] && ok || bad "race: $wins winners, $exists told it exists"
[ "$(ls_ catalog list demo.bronze | wc -l)" = 3 ] && ok || bad "race left other than one table"

# Drop: the managed table's files go, the external table's data stays.
ls_ catalog drop demo.bronze.events >/dev/null
set +e
ls_ cat demo.bronze.events >/dev/null 2>&1; rc=$?
set -e
[ $rc = 3 ] && ok || bad "cat after drop: rc $rc"
[ -z "$(find "$LOC" -type f)" ] && ok || bad "managed files left: $(find "$LOC" -type f | head -3)"
ls_ catalog drop demo.bronze.ext >/dev/null
[ "$("$BIN" cat "$TMP/ext" | wc -l)" = 50 ] && ok || bad "external data gone"
set +e
ls_ catalog drop demo 2>/dev/null; rc=$?
set -e
[ $rc = 2 ] && ok || bad "non-empty catalog dropped without --force"
ls_ catalog drop demo --force >/dev/null && [ -z "$(ls_ catalog list)" ] && ok || bad "forced drop"

log "passed $passed, failed $failed"
[ "$failed" = 0 ]
