#!/usr/bin/env bash
# Smoke test for tests/node/duckdb.mjs: one row covering every type family,
# compared byte for byte with the canonical NDJSON we expect; multi-statement
# scripts; errors; --timing. Needs tests/node/node_modules (./run installs it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL="$ROOT/tests/node/duckdb.mjs"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init duckdb_tool_test

cat > "$TMP/types.sql" <<'EOF'
SET TimeZone = 'Europe/Berlin';
SELECT
  true AS b, (-128)::TINYINT ti, 255::UTINYINT uti, (-2147483648)::INTEGER i,
  4294967295::UINTEGER ui, (-9223372036854775808)::BIGINT bi,
  18446744073709551615::UBIGINT ubi, 9007199254740993::BIGINT big53,
  (-170141183460469231731687303715884105728)::HUGEINT hi,
  340282366920938463463374607431768211455::UHUGEINT uhi,
  0.1::FLOAT f, 0.1::DOUBLE d, 'nan'::DOUBLE dn, 'inf'::DOUBLE dinf, '-inf'::FLOAT finf,
  '-0.0'::DOUBLE negz, 1e300 big, 1.5e-7 small,
  (-0.05)::DECIMAL(10,2) dc, '12345678901234567890123456789.123456789'::DECIMAL(38,9) dc38,
  42::DECIMAL(5,0) dc0,
  'héllo "q" \ tab' || chr(9) || 'end' s, '\xDE\xAD\xBE\xEF'::BLOB bl, ''::BLOB empty_blob,
  DATE '2026-11-24' dt, DATE '0001-01-01' dt1, 'infinity'::DATE dinf2,
  TIMESTAMP '2026-11-24 10:15:30.123456' ts,
  TIMESTAMPTZ '2026-11-24 10:15:30.123456+02' tstz,
  TIMESTAMP '1969-12-31 23:59:59.999999' tsneg,
  '2026-11-24 10:15:30'::TIMESTAMP_S tss, '2026-11-24 10:15:30.123'::TIMESTAMP_MS tsms,
  '2026-11-24 10:15:30.123456789'::TIMESTAMP_NS tsns, TIME '10:15:30.5' tm,
  [1, NULL, 3] l, [[1], [2, 3]] ll, {'a': 1, 'b': [true]} st,
  MAP {'k1': 1, 'k2': 2} ms, MAP {1: 'one', 2: 'two'} mi,
  NULL::VARCHAR n, '{"x":1}'::JSON j, uuid '123e4567-e89b-12d3-a456-426614174000' u,
  [1, 2]::INTEGER[2] arr
EOF
cat > "$TMP/types.expected" <<'EOF'
{"b":true,"ti":-128,"uti":255,"i":-2147483648,"ui":4294967295,"bi":-9223372036854775808,"ubi":18446744073709551615,"big53":9007199254740993,"hi":-170141183460469231731687303715884105728,"uhi":340282366920938463463374607431768211455,"f":0.1,"d":0.1,"dn":"NaN","dinf":"Infinity","finf":"-Infinity","negz":-0,"big":1e+300,"small":1.5e-7,"dc":"-0.05","dc38":"12345678901234567890123456789.123456789","dc0":"42","s":"héllo \"q\" \\ tab\tend","bl":"3q2+7w==","empty_blob":"","dt":"2026-11-24","dt1":"0001-01-01","dinf2":"infinity","ts":"2026-11-24T10:15:30.123456Z","tstz":"2026-11-24T08:15:30.123456Z","tsneg":"1969-12-31T23:59:59.999999Z","tss":"2026-11-24T10:15:30.000000Z","tsms":"2026-11-24T10:15:30.123000Z","tsns":"2026-11-24T10:15:30.123456789Z","tm":"10:15:30.500000","l":[1,null,3],"ll":[[1],[2,3]],"st":{"a":1,"b":[true]},"ms":{"k1":1,"k2":2},"mi":[{"key":1,"value":"one"},{"key":2,"value":"two"}],"n":null,"j":"{\"x\":1}","u":"123e4567-e89b-12d3-a456-426614174000","arr":[1,2]}
EOF
node "$TOOL" --file "$TMP/types.sql" > "$TMP/types.out" || fail "types query failed"
diff -u "$TMP/types.expected" "$TMP/types.out" || fail "types: output differs"

# Several statements, a ';' inside a literal, output of the last one only, row order kept.
out=$(node "$TOOL" "CREATE TABLE t (a INT, b VARCHAR); INSERT INTO t VALUES (2, 'x;y'), (1, NULL);
                    SELECT * FROM t ORDER BY a")
[ "$out" = $'{"a":1,"b":null}\n{"a":2,"b":"x;y"}' ] || fail "multi-statement: got $out"

# No rows: no output. COPY reports the rows it wrote.
[ -z "$(node "$TOOL" "SELECT 1 AS a WHERE false")" ] || fail "empty result printed rows"
out=$(node "$TOOL" "COPY (SELECT * FROM range(3)) TO '$TMP/r.parquet' (FORMAT parquet)")
[ "$out" = '{"Count":3}' ] || fail "COPY: got $out"

# Errors: non-zero exit, DuckDB's message on stderr, nothing on stdout.
if node "$TOOL" "SELECT * FROM no_such_table" > "$TMP/err.out" 2> "$TMP/err.txt"; then
  fail "error query exited 0"
fi
grep -q "no_such_table" "$TMP/err.txt" || fail "error message missing: $(cat "$TMP/err.txt")"
[ ! -s "$TMP/err.out" ] || fail "error query printed rows"

# --timing reports the last statement on stderr only.
node "$TOOL" --timing "SELECT 42 AS x" > "$TMP/t.out" 2> "$TMP/t.err"
[ "$(cat "$TMP/t.out")" = '{"x":42}' ] || fail "timing changed stdout"
grep -Eq '^duckdb_ms=[0-9]+(\.[0-9]+)?$' "$TMP/t.err" || fail "timing line: $(cat "$TMP/t.err")"

echo "duckdb_tool_test: OK"
