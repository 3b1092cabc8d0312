#!/usr/bin/env bash
# Every command's exit code follows the one table in README "Exit codes" (src/cli/commands.h):
#   0 done, 1 failed, 2 bad arguments/config/input, 3 not found, 75 transient (retry later).
# Each row is exercised through real commands; no broker is needed (75 comes from a broker
# address nobody listens on, which is the case being tested).
#
# Usage: cli_exit_codes_test.sh LAKESTREAM_BINARY
set -uo pipefail
BIN="${1:?lakestream binary}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init cli_exit_codes_test
passed=0
failed=0

expect() {  # want name command...
  local want=$1 name=$2
  shift 2
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  if [ "$rc" = "$want" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name: exit $rc, want $want: $(head -c 300 "$TMP/err")" >&2
  fi
}

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64"},{"name":"d","type":"date"}]}
JSON
printf '{"id":1,"d":"2024-01-01"}\n{"id":2,"d":"2024-01-02"}\n' >"$TMP/rows.ndjson"

# 0
expect 0 "--help" "$BIN" --help
expect 0 "--version" "$BIN" --version
expect 0 "write" "$BIN" write "$TMP/t" --schema "$TMP/schema.json" --from-json "$TMP/rows.ndjson"
expect 0 "cat" "$BIN" cat "$TMP/t"
# 2: argument errors (CLI11 used to exit 105-109 for these)
expect 2 "unknown subcommand" "$BIN" no-such-command
expect 2 "unknown flag" "$BIN" cat "$TMP/t" --no-such-flag
expect 2 "missing required option" "$BIN" archive --table "$TMP/t"
expect 2 "missing positional" "$BIN" cat
expect 2 "not a number" "$BIN" restore "$TMP/t" --version abc
expect 2 "no subcommand" "$BIN"
# 2: invalid input
expect 2 "bad predicate" "$BIN" cat "$TMP/t" --where "id = "
printf 'pipeline_id: x\npipeline_id: y\n' >"$TMP/dup.yaml"
expect 2 "duplicate config key" "$BIN" ingest --config "$TMP/dup.yaml" --available-now
# 3: not found
expect 3 "missing table" "$BIN" cat "$TMP/nope"
expect 3 "missing config" "$BIN" ingest --config "$TMP/nope.yaml" --available-now
# 1: failed (corrupt data)
head -c 100 /dev/urandom >"$TMP/garbage.parquet"
expect 1 "corrupt parquet" "$BIN" parquet schema "$TMP/garbage.parquet"
# 75: transient (the broker does not answer)
cat >"$TMP/unreachable.yaml" <<'YAML'
pipeline_id: exitcodes
source: {topic: clicks, brokers: "127.0.0.1:1", assignment_timeout: 2s}
target: {table: TABLE}
columns:
  - {name: event_id, type: string, nullable: false}
  - {name: event_time, type: timestamp, nullable: false}
available_now: true
YAML
sed -i "s|TABLE|$TMP/events|" "$TMP/unreachable.yaml"
expect 75 "unreachable broker" timeout 120 "$BIN" ingest --config "$TMP/unreachable.yaml" --available-now
grep -q "127.0.0.1:1" "$TMP/err" || { failed=$((failed + 1)); echo "FAIL: unreachable broker: brokers not named: $(head -c 300 "$TMP/err")" >&2; }

# Errors say what is wrong and how to proceed (issue 14's list), with the usage code.
says() {  # text name: the last command's stderr holds text
  if grep -qF -- "$1" "$TMP/err"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $2: stderr lacks '$1': $(head -c 300 "$TMP/err")" >&2; fi
}
expect 2 "short vacuum retention" "$BIN" vacuum "$TMP/t" --retention-hours 0
says "--ignore-retention-check" "vacuum refusal names its override"
printf '{"columns":[{"name":"id","type":"int64"},{"name":"x","type":"double"},{"name":"d","type":"date"}]}' >"$TMP/s3.json"
printf '\xef\xbb\xbf{"id":1,"x":1.5,"d":"2024-01-01"}\n{"id":2,"x":2,"d":"2024-01-02"}\n' >"$TMP/bom.ndjson"
expect 0 "NDJSON with a UTF-8 BOM" "$BIN" write "$TMP/bom" --schema "$TMP/s3.json" --from-json "$TMP/bom.ndjson"
expect 0 "BOM file rows" "$BIN" cat "$TMP/bom" --columns id
[ "$(wc -l <"$TMP/out")" = 2 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: BOM file: $(cat "$TMP/out")" >&2; }
printf '{"id":1,"x":1e400,"d":"2024-01-01"}\n' >"$TMP/big.ndjson"
expect 2 "1e400" "$BIN" write "$TMP/big" --schema "$TMP/s3.json" --from-json "$TMP/big.ndjson"
says "column x: number 1e400 out of range for double" "1e400 is out of range"
printf '{"id":1,"x":1,"d":"2024-13-45"}\n' >"$TMP/date.ndjson"
expect 2 "bad date" "$BIN" write "$TMP/date" --schema "$TMP/s3.json" --from-json "$TMP/date.ndjson"
says "column d: '2024-13-45' is not a date" "a bad date says date"
expect 3 "merge from a missing source" "$BIN" merge "$TMP/t" --source "$TMP/none.ndjson" \
  --schema "$TMP/schema.json" --keys id --mode scd1 --sequence-by id
says "lakestream: NotFound: merge: " "merge errors say merge"
expect 2 "merge with a bad mode" "$BIN" merge "$TMP/t" --source "$TMP/rows.ndjson" \
  --schema "$TMP/schema.json" --keys id --mode nope
says "InvalidArgument: merge: " "merge errors say merge"
printf 'x' >"$TMP/afile"
printf 'state_dir: %s\n' "$TMP/afile" >"$TMP/serve.yaml"
expect 2 "serve with a file as state_dir" timeout 60 "$BIN" serve --config "$TMP/serve.yaml"
says "state_dir $TMP/afile exists and is not a directory" "state_dir that is a file is refused at start"
printf 'state_dir: %s\nrun_log: {group_rows: -1}\n' "$TMP/state" >"$TMP/serve2.yaml"
expect 2 "negative group_rows" timeout 60 "$BIN" serve --config "$TMP/serve2.yaml"
says "run_log.group_rows" "negative count names the key"

echo "cli_exit_codes_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
