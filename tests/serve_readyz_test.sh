#!/usr/bin/env bash
# /readyz says which storage does not answer, not just "storage not reachable" (issue 14).
# The run log's table is made unreachable on local disk: its _delta_log is a regular file, so
# every request under it fails with ENOTDIR (a real storage error, no mock).
#
# Usage: serve_readyz_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="${1:?lakestream binary}"
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/state/_lakestream/runs"
touch "$TMP/state/_lakestream/runs/_delta_log"
printf 'state_dir: %s\nhttp: 127.0.0.1:%s\n' "$TMP/state" "$PORT" >"$TMP/serve.yaml"
"$BIN" serve --config "$TMP/serve.yaml" >"$TMP/serve.log" 2>&1 &
PID=$!
body=
for _ in $(seq 1 100); do
  body=$(curl -s "http://127.0.0.1:$PORT/readyz" || true)
  [ -n "$body" ] && break
  sleep 0.2
done
[ -n "$body" ] || fail "serve did not answer /readyz: $(tail -n 5 "$TMP/serve.log")"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")
[ "$code" = 503 ] || fail "/readyz answered $code with unreachable storage: $body"
echo "$body" | grep -q "storage not reachable: table $TMP/state/_lakestream/runs: " ||
  fail "/readyz does not name the table: $body"
echo "$body" | grep -q "Not a directory" || fail "/readyz does not say why: $body"
echo "serve_readyz_test: ok"
