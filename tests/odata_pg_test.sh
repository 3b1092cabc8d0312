#!/usr/bin/env bash
# The metadata store's tests against a real PostgreSQL server (tests/pg_fixture.sh),
# plus `lakestream sources` through a postgresql:// store.
# Usage: odata_pg_test.sh ODATA_TEST_BINARY LAKESTREAM_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$1"
source "$HERE/lib.sh"
source "$HERE/pg_fixture.sh"
lib_init odata_pg_test
pg_fixture_start
LAKESTREAM_TEST_PG="$PG_URL" "$BIN" --gtest_filter='*postgres*:*Postgres*' --gtest_brief=1 > "$TMP/gtest.log" 2>&1 ||
  { cat "$TMP/gtest.log"; fail "the postgres tests failed"; }
tail -n 3 "$TMP/gtest.log"
if grep -q SKIPPED "$TMP/gtest.log"; then fail "postgres tests were skipped"; fi
LS="$2"
"$LS" sources --store "$PG_URL" add cli_src --url http://127.0.0.1:1/odata/v4/x --entity-set X \
  --target /tmp/none --keys ID --change-column modifiedAt --schedule "daily 02:00" >/dev/null
"$LS" sources --store "$PG_URL" add cli_src --url http://127.0.0.1:1/odata/v4/x --entity-set X \
  --target /tmp/none --keys ID 2>"$TMP/dup.err" && fail "duplicate add succeeded"
grep -q "already exists" "$TMP/dup.err" || fail "duplicate add: $(cat "$TMP/dup.err")"
"$LS" sources --store "$PG_URL" disable cli_src >/dev/null
"$LS" sources --store "$PG_URL" list | grep -q '"id":"cli_src".*' || fail "list"
"$LS" sources --store "$PG_URL" list | grep '"id":"cli_src"' | grep -q '"active":false' ||
  fail "disable did not stick"
echo "odata_pg_test: ok"
