#!/usr/bin/env bash
# Issue 14, items 5-7, against the real `lakestream serve` (jobs only, no
# stream: no broker needed) on 127.0.0.1:
#   5. with LAKESTREAM_API_TOKEN set, every control route answers 401 without
#      it (and nothing is stopped or run); /metrics /healthz /readyz stay
#      open; without a token a form-type POST (what a cross-site page can
#      send) is 415 and a foreign Host is 403; serve refuses 0.0.0.0 without
#      a token.
#   6. `sources add --url http://user:PASSWORD@...` is refused naming
#      --credential, and the password is in no output; the API token never
#      reaches the log.
#   7. 64 connections sending their head a byte at a time plus 16 silent
#      ones, then /healthz and /readyz still answer (bounded by curl
#      --max-time; no elapsed-time assertion).
set -euo pipefail
LAKESTREAM="$1"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
lib_init security_test
WORK=$TMP
SERVE_PID=""
SLOW_PID=""
at_exit '[ -n "$SLOW_PID" ] && stop_pid "$SLOW_PID"'
show_on_fail "$WORK/serve.log"

TOKEN="tok-$RANDOM-$RANDOM-s3cret"
cat > "$WORK/serve.yaml" <<YAML
state_dir: $WORK/state
http: 127.0.0.1:0
log: {format: json}
run_log: {group_rows: 1, group_interval: 1s}
jobs:
  - {name: vacuum-missing, type: vacuum, table: $WORK/no-such-table, every: 1h}
YAML

# Starts serve (extra env in "$@"), sets PORT.
start_serve() {
  rm -f "$WORK/serve.port"
  start_bg "$WORK/serve.log" env "$@" "$LAKESTREAM" serve --config "$WORK/serve.yaml" \
    --port-file "$WORK/serve.port"
  SERVE_PID=$BG_PID
  wait_port_file "$WORK/serve.port" "$SERVE_PID" 30
}
stop_serve() {
  stop_pid "$SERVE_PID" TERM
  SERVE_PID=""
  [ "$STOP_RC" = 0 ] || fail "serve exited $STOP_RC after SIGTERM"
}
# code METHOD PATH [curl args...]: the HTTP status.
code() {
  local m="$1" p="$2"
  shift 2
  curl -s --max-time 20 -o "$WORK/body" -w '%{http_code}' -X "$m" "$@" "http://127.0.0.1:$PORT$p"
}

# --- 5. The control API with a token.
start_serve LAKESTREAM_API_TOKEN="$TOKEN"
for route in "POST /api/stream/stop" "POST /api/stream/start" "POST /api/jobs/run?name=vacuum-missing" \
             "GET /api/runs"; do
  set -- $route
  [ "$(code "$1" "$2")" = 401 ] || fail "$route without a token: $(cat "$WORK/body")"
  [ "$(code "$1" "$2" -H 'Authorization: Bearer wrong')" = 401 ] || fail "$route with a wrong token"
  [ "$(code "$1" "$2" -H 'Content-Type: application/json' -d '{}')" = 401 ] ||
    fail "$route as JSON without a token"
done
for open in /metrics /healthz /readyz; do
  [ "$(code GET $open)" = 200 ] || fail "$open must stay open: $(cat "$WORK/body")"
done
[ "$(code POST '/api/jobs/run?name=runlog-retention' -H "Authorization: Bearer $TOKEN")" = 200 ] ||
  fail "job run with the token: $(cat "$WORK/body")"
grep -q '"ok":true' "$WORK/body" || fail "job result: $(cat "$WORK/body")"
[ "$(code GET '/api/runs?since=1h' -H "X-API-Token: $TOKEN")" = 200 ] || fail "runs with the token"
grep -q '"job":"runlog-retention"' "$WORK/body" || fail "the job run is not in /api/runs: $(cat "$WORK/body")"
! grep -q "$TOKEN" "$WORK/serve.log" || fail "the API token is in the log"
stop_serve

# --- 5. Without a token: loopback only, no cross-site forms, no foreign Host.
start_serve -u LAKESTREAM_API_TOKEN
[ "$(code POST /api/stream/stop)" = 415 ] || fail "body-less POST must be 415"
[ "$(code POST /api/jobs/run?name=vacuum-missing -H 'Content-Type: application/x-www-form-urlencoded' -d x=1)" = 415 ] ||
  fail "form POST must be 415"
[ "$(code POST /api/jobs/run?name=vacuum-missing -H 'Content-Type: text/plain' -d x)" = 415 ] ||
  fail "text/plain POST must be 415"
[ "$(code GET /api/runs -H 'Host: attacker.example')" = 403 ] || fail "a rebound Host must be 403"
[ "$(code GET /api/runs)" = 200 ] || fail "loopback without a token"
[ "$(code POST /api/jobs/run?name=runlog-retention -H 'Content-Type: application/json')" = 200 ] ||
  fail "JSON POST on loopback without a token: $(cat "$WORK/body")"

# --- 7. Slowloris on the running server.
/usr/bin/python3 - "$PORT" "$WORK/slow.ready" <<'PY' &
import socket, sys, time
port, ready = int(sys.argv[1]), sys.argv[2]
slow, silent = [], []
for i in range(64):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ")
    slow.append(s)
for i in range(16):
    silent.append(socket.create_connection(("127.0.0.1", port)))
open(ready, "w").write("ok")
for _ in range(600):  # at most ~60 s; killed by the script earlier
    for s in slow:
        try:
            s.send(b"a")
        except OSError:
            pass
    time.sleep(0.1)
PY
SLOW_PID=$!
wait_until 10 "the slow clients to connect" test -f "$WORK/slow.ready"
[ -f "$WORK/slow.ready" ] || fail "slow clients did not connect"
for round in 1 2 3; do
  [ "$(code GET /healthz)" = 200 ] || fail "/healthz did not answer under slowloris (round $round)"
  [ "$(code GET /readyz)" = 200 ] || fail "/readyz did not answer under slowloris (round $round)"
done
kill "$SLOW_PID" 2>/dev/null || true
wait "$SLOW_PID" 2>/dev/null || true
SLOW_PID=""
stop_serve

# --- 5. No token on a non-loopback address: refused at start.
rc=0
env -u LAKESTREAM_API_TOKEN "$LAKESTREAM" serve --config "$WORK/serve.yaml" --http 0.0.0.0:0 \
  > "$WORK/open.log" 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "serve started on 0.0.0.0 without a token"
grep -q 'LAKESTREAM_API_TOKEN' "$WORK/open.log" || fail "refusal does not name LAKESTREAM_API_TOKEN: $(cat "$WORK/open.log")"

# --- 6. Credentials in a source URL.
export LAKESTREAM_METADATA="sqlite:$WORK/meta.db"
rc=0
"$LAKESTREAM" sources add orders --url "http://alice:Pa55word-XYZ@127.0.0.1:4004/odata/v4/sales" \
  --entity-set SalesOrders --target "$WORK/silver" --keys ID > "$WORK/add.out" 2> "$WORK/add.err" || rc=$?
[ "$rc" != 0 ] || fail "sources add accepted a URL with a password"
grep -q -- '--credential' "$WORK/add.err" || fail "refusal does not point at --credential: $(cat "$WORK/add.err")"
"$LAKESTREAM" sources list > "$WORK/list.out" 2>&1 || true
! grep -q 'Pa55word-XYZ' "$WORK/add.out" "$WORK/add.err" "$WORK/list.out" || fail "the password was printed"
! grep -q '"orders"' "$WORK/list.out" || fail "the source was stored"

echo "security_test: OK (control API 401/415/403, 0.0.0.0 refused, slowloris 64+16 -> health answers, source URL password refused)"
