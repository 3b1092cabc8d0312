#!/usr/bin/env bash
# The metadata store's tests against a real PostgreSQL server (tests/pg_fixture.sh),
# plus `lakestream sources` through a postgresql:// store.
# Usage: odata_pg_test.sh ODATA_TEST_BINARY LAKESTREAM_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$1"
source "$HERE/pg_fixture.sh"
trap pg_fixture_stop EXIT
pg_fixture_start
LAKESTREAM_TEST_PG="$PG_URL" "$BIN" --gtest_filter='*postgres*:*Postgres*' --gtest_brief=1 > "$PG_DIR/gtest.log" 2>&1 ||
  { cat "$PG_DIR/gtest.log"; exit 1; }
tail -n 3 "$PG_DIR/gtest.log"
if grep -q SKIPPED "$PG_DIR/gtest.log"; then echo "postgres tests were skipped"; exit 1; fi
LS="$2"
"$LS" sources --store "$PG_URL" add cli_src --url http://127.0.0.1:1/odata/v4/x --entity-set X \
  --target /tmp/none --keys ID --change-column modifiedAt --schedule "daily 02:00" >/dev/null
"$LS" sources --store "$PG_URL" add cli_src --url http://127.0.0.1:1/odata/v4/x --entity-set X \
  --target /tmp/none --keys ID 2>"$PG_DIR/dup.err" && { echo "duplicate add succeeded"; exit 1; }
grep -q "already exists" "$PG_DIR/dup.err" || { cat "$PG_DIR/dup.err"; exit 1; }
"$LS" sources --store "$PG_URL" disable cli_src >/dev/null
"$LS" sources --store "$PG_URL" list | grep -q '"id":"cli_src".*' || { echo "list"; exit 1; }
"$LS" sources --store "$PG_URL" list | grep '"id":"cli_src"' | grep -q '"active":false' ||
  { echo "disable did not stick"; exit 1; }
echo "odata_pg_test: ok"
