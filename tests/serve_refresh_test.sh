#!/usr/bin/env bash
# `lakestream serve --refresh-config`: the refresh API and dashboard mounted on
# serve's HTTP server (jobs-only serve config, 127.0.0.1, port 0), a refresh of
# the SAP CAP fixture through it, then SIGTERM by PID (exit 0).
# Usage: serve_refresh_test.sh LAKESTREAM_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source "$HERE/lib.sh"
source "$HERE/odata_fixture.sh"
lib_init serve_refresh_test
T=$TMP
odata_fixture_start "$T/server.log" 3000
export LAKESTREAM_METADATA="$T/meta.db"
export LAKESTREAM_CRED_SAP_USER=lake LAKESTREAM_CRED_SAP_PASSWORD=lake-secret
"$BIN" sources add orders --url "http://127.0.0.1:$ODATA_PORT/odata/v4/sales" \
  --entity-set SalesOrders --target "$T/silver/orders" --keys ID --change-column modifiedAt \
  --credential sap >/dev/null
cat > "$T/flows.json" <<JSON
{"dataflows": [{"name": "by_status", "source": "$T/silver/orders", "target": "$T/gold/by_status",
  "group_by": ["status"], "aggregates": [{"name": "orders", "fn": "count"}]}]}
JSON
cat > "$T/refresh.json" <<JSON
{"metadata_store": "sqlite:$T/meta.db", "dataflows": "$T/flows.json",
 "dashboard_table": "$T/gold/by_status", "api_token_env": "SERVE_TEST_TOKEN"}
JSON
cat > "$T/serve.yaml" <<YAML
state_dir: $T/state
http: 127.0.0.1:0
log: {format: text, level: info}
YAML
export SERVE_TEST_TOKEN=serve-token-$RANDOM
start_bg "$T/serve.log" "$BIN" serve --config "$T/serve.yaml" --refresh-config "$T/refresh.json" \
  --port-file "$T/serve.port"
SERVE_PID=$BG_PID
wait_port_file "$T/serve.port" "$SERVE_PID"
API="http://127.0.0.1:$PORT"
auth=(-H "Authorization: Bearer $SERVE_TEST_TOKEN")
[ "$(curl -s -o /dev/null -w '%{http_code}' "$API/api/status")" = 401 ] || fail "token required"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$API/dashboard")" = 200 ] || fail "dashboard page"
curl -sf "$API/healthz" >/dev/null || fail "serve's own routes still there"
curl -sf "${auth[@]}" -X POST -d '{}' "$API/api/refresh" > "$T/start.json" || fail "refresh start"
RID=$(python3 -c "import json; print(json.load(open('$T/start.json'))['id'])")
run_state() {
  curl -sf "${auth[@]}" "$API/api/runs/$RID" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'
}
run_ended() { state=$(run_state || true); [ "$state" = succeeded ] || [ "$state" = failed ]; }
wait_until 120 "refresh run $RID to end" run_ended
[ "$state" = succeeded ] || fail "refresh through serve: $state"
rows=$(curl -sf "${auth[@]}" "$API/api/data" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')
[ "$rows" = 4 ] || fail "expected 4 status groups, got $rows"
stop_pid "$SERVE_PID" TERM
[ "$STOP_RC" = 0 ] || fail "serve exit code $STOP_RC after SIGTERM"
echo "serve_refresh_test: ok"
