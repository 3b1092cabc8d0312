#!/usr/bin/env bash
# /readyz says which storage does not answer, not just "storage not reachable" (issue 14).
# The run log's table is made unreachable on local disk: its _delta_log is a regular file, so
# every request under it fails with ENOTDIR (a real storage error, no mock).
#
# Usage: serve_readyz_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="${1:?lakestream binary}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init serve_readyz_test
mkdir -p "$TMP/state/_lakestream/runs"
touch "$TMP/state/_lakestream/runs/_delta_log"
printf 'state_dir: %s\nhttp: 127.0.0.1:0\n' "$TMP/state" >"$TMP/serve.yaml"
start_bg "$TMP/serve.log" "$BIN" serve --config "$TMP/serve.yaml" --port-file "$TMP/port"
wait_port_file "$TMP/port" "$BG_PID"
body=$(curl -s "http://127.0.0.1:$PORT/readyz" || true)
[ -n "$body" ] || fail "serve did not answer /readyz"
code=$(http_code "http://127.0.0.1:$PORT/readyz")
[ "$code" = 503 ] || fail "/readyz answered $code with unreachable storage: $body"
echo "$body" | grep -q "storage not reachable: table $TMP/state/_lakestream/runs: " ||
  fail "/readyz does not name the table: $body"
echo "$body" | grep -q "Not a directory" || fail "/readyz does not say why: $body"
echo "serve_readyz_test: ok"
