#!/usr/bin/env bash
# The metadata store's tests against a real PostgreSQL server (tests/pg_fixture.sh),
# plus `lakestream sources` through a postgresql:// store.
# Usage: odata_pg_test.sh ODATA_TEST_BINARY
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
echo "odata_pg_test: ok"
