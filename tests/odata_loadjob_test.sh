#!/usr/bin/env bash
# LoadJob's crash/retry/duplicate-key unit tests (src/odata/load_job_test.cc)
# against the SAP CAP fixture, started here on 127.0.0.1 and stopped by PID.
# Usage: odata_loadjob_test.sh ODATA_TEST_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$1"
source "$HERE/odata_fixture.sh"
LOG=$(mktemp /tmp/ls_odata_fixture.XXXXXX)
trap 'odata_fixture_stop; rm -f "$LOG" "$LOG.out"' EXIT
odata_fixture_start "$LOG" 3000
LAKESTREAM_TEST_ODATA_URL="http://127.0.0.1:$ODATA_PORT/odata/v4/sales" \
  "$BIN" --gtest_filter='LoadJobTest.*:RefreshServiceTest.*' --gtest_brief=1 2>&1 | tee "$LOG.out" | tail -n 20
grep -q "PASSED" "$LOG.out" && ! grep -qE "FAILED|SKIPPED" "$LOG.out"
