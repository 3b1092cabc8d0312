#!/usr/bin/env bash
# LoadJob's crash/retry/duplicate-key unit tests (src/odata/load_job_test.cc)
# against the SAP CAP fixture, started here on 127.0.0.1 and stopped by PID.
# Usage: odata_loadjob_test.sh ODATA_TEST_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$1"
source "$HERE/lib.sh"
source "$HERE/odata_fixture.sh"
lib_init odata_loadjob_test
LOG="$TMP/server.log"
odata_fixture_start "$LOG" 3000
LAKESTREAM_TEST_ODATA_URL="http://127.0.0.1:$ODATA_PORT/odata/v4/sales" \
  "$BIN" --gtest_filter='LoadJobTest.*:RefreshServiceTest.*' --gtest_brief=1 > "$LOG.out" 2>&1 ||
  { tail -n 40 "$LOG.out" >&2; fail "LoadJobTest/RefreshServiceTest failed"; }
tail -n 3 "$LOG.out"
grep -q "PASSED" "$LOG.out" || fail "no test passed"
! grep -qE "FAILED|SKIPPED" "$LOG.out" || fail "tests failed or were skipped: $(grep -E 'FAILED|SKIPPED' "$LOG.out" | head)"
echo "odata_loadjob_test: ok"
