#!/usr/bin/env bash
# OData loads end to end against the SAP CAP fixture (tests/odata_server):
# V4 full + incremental after PATCH, V2 with $top/$skip paging, 401, primary-key
# quarantine, and faults injected by tests/odata_server/fault_proxy.js (500s, 429
# with Retry-After, a timeout, a connection cut mid-page). After each load the
# silver table must equal the server's data exactly.
# Usage: odata_load_test.sh LAKESTREAM_BINARY
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
source "$HERE/lib.sh"
source "$HERE/odata_fixture.sh"
lib_init odata_load_test
T=$TMP
odata_fixture_start "$T/server.log" 3000
V4="http://127.0.0.1:$ODATA_PORT/odata/v4/sales"
V2="http://127.0.0.1:$ODATA_PORT/odata/v2/sales"
export LAKESTREAM_METADATA="$T/meta.db"
export LAKESTREAM_CRED_SAP_USER=lake LAKESTREAM_CRED_SAP_PASSWORD=lake-secret
export LAKESTREAM_CRED_WRONG_USER=lake LAKESTREAM_CRED_WRONG_PASSWORD=not-the-password

compare() {  # compare TABLE [FILTER]
  "$BIN" cat "$1" > "$T/cat.ndjson"
  (cd "$ODATA_SERVER_DIR" && node compare_with_server.js "$V4" SalesOrders ID "$T/cat.ndjson" "${2:-}") ||
    fail "table $1 differs from the server"
}
patch() {  # patch ID JSON
  curl -sf -u lake:lake-secret -X PATCH -H 'Content-Type: application/json' -d "$2" \
    "$V4/SalesOrders('$1')" >/dev/null || fail "PATCH $1"
}
field() { python3 -c "import json,sys; print(json.loads(sys.stdin.readline())['$1'])"; }

echo "== V4, server-driven paging: full load, then incremental after PATCH"
"$BIN" sources add v4 --url "$V4" --entity-set SalesOrders --target "$T/silver/v4" --keys ID \
  --change-column modifiedAt --credential sap --page-size 200 >/dev/null
"$BIN" load --source v4 2>"$T/load.err" > "$T/r.json" || { cat "$T/load.err"; fail "v4 full load"; }
[ "$(field mode < "$T/r.json")" = full ] || fail "first load not full"
[ "$(field pages < "$T/r.json")" -ge 15 ] || fail "expected >= 15 pages: $(cat "$T/r.json")"
compare "$T/silver/v4"
patch SO000005 '{"amount": 1.5, "status": "X"}'
patch SO001234 '{"customer": "Changed Inc", "quantity": 999}'
patch SO002999 '{"region": null}'
"$BIN" load --source v4 2>/dev/null > "$T/r.json" || fail "v4 incremental"
[ "$(field mode < "$T/r.json")" = incremental ] || fail "second load not incremental"
[ "$(field rows_read < "$T/r.json")" -lt 10 ] || fail "incremental read too much: $(cat "$T/r.json")"
[ "$(field rows_upserted < "$T/r.json")" = 3 ] || fail "expected 3 upserts: $(cat "$T/r.json")"
compare "$T/silver/v4"
"$BIN" cat "$T/silver/v4_bronze" --columns _run_id | sort | uniq -c | awk '{print $1}' | tr '\n' ' ' |
  grep -q "^3000 " || fail "bronze should hold run 1's 3000 raw rows"

echo "== V2 (d.results, __next, /Date(ms)/) with \$top/\$skip paging, full then incremental"
"$BIN" sources add v2 --url "$V2" --entity-set SalesOrders --target "$T/silver/v2" --keys ID \
  --change-column modifiedAt --credential sap --odata-version v2 --paging client \
  --page-size 450 >/dev/null
"$BIN" load --source v2 2>/dev/null > "$T/r.json" || fail "v2 full load: $(cat "$T/r.json")"
[ "$(field pages < "$T/r.json")" = 7 ] || fail "expected 7 pages of <= 450: $(cat "$T/r.json")"
compare "$T/silver/v2"
patch SO000100 '{"amount": 4242.42}'
"$BIN" load --source v2 2>/dev/null > "$T/r.json" || fail "v2 incremental"
[ "$(field mode < "$T/r.json")" = incremental ] || fail "v2 second load not incremental"
compare "$T/silver/v2"

echo "== \$top/\$skip paging with a page size above the server's cap (1000 > 500)"
"$BIN" sources add capped --url "$V4" --entity-set SalesOrders --target "$T/silver/capped" \
  --keys ID --credential sap --paging client --page-size 1000 >/dev/null
"$BIN" load --source capped 2>/dev/null > "$T/r.json" || fail "capped load: $(cat "$T/r.json")"
[ "$(field rows_read < "$T/r.json")" = 3000 ] || fail "capped pages cut the read: $(cat "$T/r.json")"
compare "$T/silver/capped"

echo "== V2 with server-driven paging (__next)"
"$BIN" sources add v2next --url "$V2" --entity-set SalesOrders --target "$T/silver/v2next" \
  --keys ID --credential sap --odata-version v2 >/dev/null
"$BIN" load --source v2next 2>/dev/null > "$T/r.json" || fail "v2 __next load"
[ "$(field pages < "$T/r.json")" -ge 15 ] || fail "expected __next paging: $(cat "$T/r.json")"
compare "$T/silver/v2next"

echo "== 401: wrong password fails the run without retries, naming the cause"
"$BIN" sources add denied --url "$V4" --entity-set SalesOrders --target "$T/silver/denied" \
  --keys ID --credential wrong >/dev/null
if "$BIN" load --source denied 2>/dev/null > "$T/r.json"; then fail "401 load succeeded"; fi
grep -q "HTTP 401" "$T/r.json" || fail "no 401 in $(cat "$T/r.json")"
[ "$(field attempts < "$T/r.json")" = 1 ] || fail "401 must not be retried"
grep -q "not-the-password" "$T/r.json" "$T/meta.db" && fail "password leaked"
"$BIN" sources runs --source denied | grep -q '"state":"failed"' || fail "run not failed"
[ -d "$T/silver/denied" ] && fail "failed load created a table"

echo "== OAuth client credentials (token from the fixture's token endpoint)"
export LAKESTREAM_CRED_OAUTH_TOKEN_URL="http://127.0.0.1:$ODATA_PORT/oauth/token"
export LAKESTREAM_CRED_OAUTH_CLIENT_ID=lake-client LAKESTREAM_CRED_OAUTH_CLIENT_SECRET=lake-client-secret
"$BIN" sources add oauth --url "$V4" --entity-set SalesOrders --target "$T/silver/oauth" \
  --keys ID --credential oauth >/dev/null
"$BIN" load --source oauth 2>/dev/null > "$T/r.json" || fail "oauth load: $(cat "$T/r.json")"
compare "$T/silver/oauth"
[ "$(curl -s "http://127.0.0.1:$ODATA_PORT/oauth/stats" | field issued)" = 1 ] ||
  fail "one token for the whole load (cached)"
export LAKESTREAM_CRED_BADOAUTH_TOKEN_URL="$LAKESTREAM_CRED_OAUTH_TOKEN_URL"
export LAKESTREAM_CRED_BADOAUTH_CLIENT_ID=lake-client LAKESTREAM_CRED_BADOAUTH_CLIENT_SECRET=wrong-secret
"$BIN" sources add badoauth --url "$V4" --entity-set SalesOrders --target "$T/silver/badoauth" \
  --keys ID --credential badoauth >/dev/null
if "$BIN" load --source badoauth 2>/dev/null > "$T/r.json"; then fail "bad oauth succeeded"; fi
grep -q "client credentials rejected" "$T/r.json" || fail "oauth reason: $(cat "$T/r.json")"
grep -q "wrong-secret" "$T/r.json" && fail "client secret leaked"

echo "== primary-key violations go to quarantine"
"$BIN" sources add dupkeys --url "$V4" --entity-set SalesOrders --target "$T/silver/dupkeys" \
  --keys customer --filter "ID le 'SO000010'" --credential sap >/dev/null
"$BIN" load --source dupkeys 2>/dev/null > "$T/r.json" || fail "dupkeys load"
[ "$(field rows_quarantined < "$T/r.json")" = 4 ] || fail "expected 4 quarantined: $(cat "$T/r.json")"
[ "$("$BIN" cat "$T/silver/dupkeys" | wc -l)" = 6 ] || fail "expected 6 silver rows"
"$BIN" cat "$T/silver/dupkeys_quarantine" --columns reason,key | grep -c conflicting | grep -qx 4 ||
  fail "quarantine reasons"
"$BIN" sources add nullkeys --url "$V4" --entity-set SalesOrders --target "$T/silver/nullkeys" \
  --keys ID,region --filter "ID le 'SO000080'" --credential sap >/dev/null
"$BIN" load --source nullkeys 2>/dev/null > "$T/r.json" || fail "nullkeys load"
[ "$(field rows_quarantined < "$T/r.json")" = 2 ] || fail "expected 2 null keys: $(cat "$T/r.json")"
"$BIN" cat "$T/silver/nullkeys_quarantine" --columns reason | grep -c "null key" | grep -qx 2 ||
  fail "null key reasons"

echo "== faults through the proxy: 500, 429 + Retry-After, timeout, cut mid-page, 503, 502"
odata_proxy_start "$T/proxy.log" "2:500,3:429:1,5:timeout,7:cut,9:503,10:502,12:cut"
PPORT=$PROXY_PORT
"$BIN" sources add faulty --url "http://127.0.0.1:$PPORT/odata/v4/sales" --entity-set SalesOrders \
  --target "$T/silver/faulty" --keys ID --change-column modifiedAt --credential sap \
  --paging client --page-size 150 >/dev/null
"$BIN" load --source faulty --retry-backoff-ms 100 --http-timeout-ms 3000 2>"$T/load.err" \
  > "$T/r.json" || { cat "$T/load.err" "$T/r.json"; fail "faulty load"; }
[ "$(field attempts < "$T/r.json")" = 1 ] || fail "HTTP retries should have absorbed the faults"
[ "$(field http_retries < "$T/r.json")" -ge 7 ] || fail "expected >= 7 retries: $(cat "$T/r.json")"
curl -s "http://127.0.0.1:$PPORT/_proxy/log" > "$T/faults.json"
for f in 500 429 timeout cut 503 502; do grep -q "\"fault\":\"$f\"" "$T/faults.json" || fail "fault $f not injected"; done
grep -q "HTTP 429" "$T/load.err" || fail "429 retry not reported"
compare "$T/silver/faulty"
patch SO000777 '{"status": "Z"}'
"$BIN" load --source faulty --retry-backoff-ms 100 --http-timeout-ms 3000 2>/dev/null > "$T/r.json" ||
  fail "faulty incremental"
compare "$T/silver/faulty"

echo "== retries exhausted: every request fails -> the run fails after whole-load retries"
stop_pid "$PROXY_PID"
odata_proxy_start "$T/proxy2.log" "$(seq -s, 1 40 | sed 's/\([0-9]*\)/\1:503/g')"
PPORT=$PROXY_PORT
"$BIN" sources add down --url "http://127.0.0.1:$PPORT/odata/v4/sales" --entity-set SalesOrders \
  --target "$T/silver/down" --keys ID --credential sap --load-attempts 2 >/dev/null
if "$BIN" load --source down --retry-backoff-ms 20 2>/dev/null > "$T/r.json"; then fail "down succeeded"; fi
[ "$(field attempts < "$T/r.json")" = 2 ] || fail "expected 2 whole-load attempts"
grep -q "HTTP 503 after 3 retries" "$T/r.json" || fail "reason: $(cat "$T/r.json")"
"$BIN" sources runs --source down | grep -q '"state":"failed"' || fail "down run not failed"

echo "odata_load_test: ok"
