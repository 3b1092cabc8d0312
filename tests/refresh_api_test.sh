#!/usr/bin/env bash
# The refresh API and dashboard end to end: the SAP CAP fixture, a source and a
# dataflow, tests/refresh_server hosting the API on 127.0.0.1; API checks with
# curl (token auth, refresh -> load -> transform -> dashboard, 409s, run status,
# a failing refresh), then the browser check (headless Debian chromium via
# playwright-core) with screenshots saved under $ARTIFACT_DIR (default build/artifacts).
# Usage: refresh_api_test.sh LAKESTREAM_BINARY REFRESH_SERVER_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
SRV="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
ARTIFACTS="${ARTIFACT_DIR:-$(dirname "$BIN")/artifacts}"
mkdir -p "$ARTIFACTS"
source "$HERE/lib.sh"
source "$HERE/odata_fixture.sh"
lib_init refresh_api_test
T=$TMP
API_PID=""
stop_api() { [ -n "$API_PID" ] && stop_pid "$API_PID"; API_PID=""; }
odata_fixture_start "$T/server.log" 3000
export LAKESTREAM_METADATA="$T/meta.db"
export LAKESTREAM_CRED_SAP_USER=lake LAKESTREAM_CRED_SAP_PASSWORD=lake-secret
"$BIN" sources add orders --url "http://127.0.0.1:$ODATA_PORT/odata/v4/sales" \
  --entity-set SalesOrders --target "$T/silver/orders" --keys ID --change-column modifiedAt \
  --credential sap >/dev/null
cat > "$T/flows.json" <<JSON
{"dataflows": [{"name": "revenue_by_customer", "source": "$T/silver/orders",
  "target": "$T/gold/revenue_by_customer", "filter": "status != 'C'",
  "columns": [{"name": "customer"}, {"name": "net", "expr": "amount / 1.19"}],
  "group_by": ["customer"],
  "aggregates": [{"name": "revenue", "fn": "sum", "column": "net"},
                 {"name": "orders", "fn": "count"}]}]}
JSON
TOKEN=test-token-$RANDOM$RANDOM
start_api() {  # start_api STALE_AFTER_SECONDS
  rm -f "$T/port"
  start_bg "$T/api.log" "$SRV" --store "$LAKESTREAM_METADATA" --token "$TOKEN" \
    --dataflows "$T/flows.json" --dashboard-table "$T/gold/revenue_by_customer" \
    --stale-after-seconds "$1" --port-file "$T/port" --test-load-gate
  API_PID=$BG_PID
  wait_port_file "$T/port" "$API_PID" 30
  API="http://127.0.0.1:$PORT"
}
# The load gate of refresh_server (--test-load-gate): every load waits after its bronze commit
# until released, so a refresh is observed while it certainly runs (a latch, not a sleep).
gate() { curl -sf -H "Authorization: Bearer $TOKEN" "$@"; }
gate_field() { gate "$API/_test/gate" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
load_waiting() { [ "$(gate_field waiting)" = 1 ]; }
release_load() {
  wait_until 60 "a load to reach the gate" load_waiting
  gate -X POST -H "Content-Type: application/json" -d "{}" "$API/_test/gate/release" >/dev/null ||
    fail "gate release"
}
call() {  # call METHOD PATH [BODY] -> prints "STATUS BODY"
  curl -s -o "$T/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$API$2"
}
jget() { python3 -c "import json,sys; d=json.load(open('$T/body')); print(eval(sys.argv[1]))" "$1"; }
wait_refresh() {  # wait_refresh ID -> final state
  for _ in $(seq 1 240); do
    [ "$(call GET "/api/runs/$1")" = 200 ] || fail "GET /api/runs/$1"
    st=$(jget 'd["state"]')
    if [ "$st" = succeeded ] || [ "$st" = failed ]; then echo "$st"; return; fi
    sleep 0.5
  done
  fail "refresh $1 did not finish"
}

echo "== API"
start_api 1800
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/status")
[ "$code" = 401 ] || fail "no token: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$API/api/status")
[ "$code" = 401 ] || fail "wrong token: $code"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$API/dashboard")" = 200 ] || fail "dashboard page"
[ "$(call GET /api/status)" = 200 ] || fail "status"
[ "$(jget 'd["stale"]')" = True ] || fail "no data yet must be stale"
[ "$(jget 'd["refresh_allowed"]')" = True ] || fail "refresh allowed when stale"
[ "$(call POST /api/refresh '{"sources": ["nope"]}')" = 404 ] || fail "unknown source"
[ "$(call POST /api/refresh '{"sources": "orders"}')" = 400 ] || fail "bad body"
[ "$(call POST /api/refresh '{}')" = 202 ] || fail "refresh start: $(cat "$T/body")"
RID=$(jget 'd["id"]')
release_load
[ "$(wait_refresh "$RID")" = succeeded ] || fail "refresh failed: $(cat "$T/body")"
[ "$(jget 'd["phase"]')" = done ] || fail "phase"
[ "$(jget 'd["runs"][0]["state"]')" = succeeded ] || fail "run state"
[ "$(jget 'd["runs"][0]["rows_read"]')" = 3000 ] || fail "rows read"
RUN=$(jget 'd["runs"][0]["id"]')
jget '"\n".join(d["notes"])' | grep -q "transform revenue_by_customer: 6 rows" || fail "notes: $(cat "$T/body")"
[ "$(call GET "/api/runs/$RUN")" = 200 ] || fail "numeric run"
[ "$(jget '",".join(e["state"] for e in d["events"])')" = "queued,running,running,succeeded" ] ||
  fail "run events: $(cat "$T/body")"
[ "$(call GET /api/data)" = 200 ] || fail "data"
[ "$(jget 'len(d["rows"])')" = 6 ] || fail "6 customers expected (2 only have cancelled orders): $(head -c 300 "$T/body")"
[ "$(call GET /api/status)" = 200 ] || fail "status 2"
[ "$(jget 'd["stale"]')" = False ] || fail "fresh after the refresh"
[ "$(jget 'd["data_as_of"] is not None')" = True ] || fail "as of"
[ "$(call POST /api/refresh '{}')" = 409 ] || fail "fresh data must refuse: $(cat "$T/body")"
grep -q "data is fresh" "$T/body" || fail "fresh reason"
[ "$(call POST /api/refresh '{"force": true}')" = 202 ] || fail "forced refresh"
RID2=$(jget 'd["id"]')
wait_until 60 "refresh $RID2's load to reach the gate" load_waiting  # it is running now
[ "$(call POST /api/refresh '{"force": true}')" = 409 ] || fail "second refresh while running"
grep -q "still running" "$T/body" || fail "running reason"
release_load
[ "$(wait_refresh "$RID2")" = succeeded ] || fail "forced refresh failed"
[ "$(gate_field passed)" = 2 ] || fail "the gate held $(gate_field passed) loads, expected 2"
[ "$(call GET /api/runs/r999-1)" = 404 ] || fail "unknown refresh"

echo "== a failing load: the refresh fails, the error is reported and alerted"
odata_fixture_stop
[ "$(call POST /api/refresh '{"force": true}')" = 202 ] || fail "refresh start 3"
RID3=$(jget 'd["id"]')
[ "$(wait_refresh "$RID3")" = failed ] || fail "refresh with the server down must fail"
jget 'd["error"]' | grep -q "load orders" || fail "error names the load: $(cat "$T/body")"
[ "$(call GET /api/status)" = 200 ] || fail "status 3"
[ "$(jget 'len(d["errors"]) >= 1')" = True ] || fail "errors listed"
grep -q "ALERT: lakestream refresh $RID3 failed" "$T/api.log" || fail "no alert"
stop_api

echo "== browser (headless chromium): stale -> click -> progress -> fresh -> stale again"
odata_fixture_start "$T/server2.log" 3000
# A fresh store and tables: the page starts with no data at all.
rm -rf "$T/silver" "$T/gold"
export LAKESTREAM_METADATA="$T/meta2.db"
"$BIN" sources add orders --url "http://127.0.0.1:$ODATA_PORT/odata/v4/sales" \
  --entity-set SalesOrders --target "$T/silver/orders" --keys ID --change-column modifiedAt \
  --credential sap >/dev/null
# This time through the config file `serve` reads (stale after 12 s).
cat > "$T/refresh.json" <<JSON
{"metadata_store": "sqlite:$T/meta2.db", "dataflows": "$T/flows.json",
 "dashboard_table": "$T/gold/revenue_by_customer", "stale_after_minutes": 0.2,
 "api_token_env": "REFRESH_TEST_TOKEN"}
JSON
rm -f "$T/port"
start_bg "$T/api.log" env REFRESH_TEST_TOKEN="$TOKEN" "$SRV" --config "$T/refresh.json" \
  --port-file "$T/port" --test-load-gate
API_PID=$BG_PID
wait_port_file "$T/port" "$API_PID" 30
API="http://127.0.0.1:$PORT"
# browser_check.js releases the gate once the page shows the refresh running.
(cd "$ODATA_SERVER_DIR" && node browser_check.js "$API" "$TOKEN" 12 "$ARTIFACTS" gate) ||
  fail "browser check"
[ "$(gate_field passed)" = 1 ] || fail "the browser's refresh did not pass the gate"
echo "screenshots: $ARTIFACTS/dashboard_fresh.png $ARTIFACTS/dashboard_stale.png"
echo "refresh_api_test: ok"
