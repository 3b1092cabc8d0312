#!/usr/bin/env bash
# End-to-end merges through the CLI (`lakestream merge`, src/delta/merge.h):
#  1. SCD1 from NDJSON: newest sequence wins, stale events ignored, a replay
#     commits nothing; the table equals the hand-computed rows.
#  2. SCD2 with --track: out-of-order history, untracked in-place change,
#     replay commits nothing; the table equals the hand-computed rows.
#  3. insert-only from a Delta table source adds only absent keys.
#  4. DuckDB reading exactly the files our snapshot lists returns the same
#     rows as `lakestream cat` for both tables.
#  5. the streaming job's user_profile SCD2 dimension (deletion vectors on), read by DuckDB
#     (below) skipping the rows its DVs hide.
#  6. a backfill of that dimension from the events table agrees with it.
# usage: delta_merge_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$1"
HERE="$(cd "$(dirname "$0")" && pwd)"
DUCK="node $HERE/node/duckdb.mjs"
CMP="node $HERE/node/compare_ndjson.mjs"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
TMP="$(mktemp -d)"
trap 'kafka_fixture_release; rm -rf "$TMP"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

cat >"$TMP/schema.json" <<'JSON'
{"columns":[{"name":"id","type":"int64"},{"name":"region","type":"string"},
 {"name":"name","type":"string"},{"name":"tier","type":"string"},{"name":"seq","type":"int64"}]}
JSON
cat >"$TMP/scd2.json" <<'JSON'
{"columns":[{"name":"id","type":"int64"},{"name":"region","type":"string"},
 {"name":"name","type":"string"},{"name":"tier","type":"string"},{"name":"seq","type":"int64"},
 {"name":"valid_from","type":"int64"},{"name":"valid_to","type":"int64"},
 {"name":"is_current","type":"boolean"}]}
JSON
cat >"$TMP/init.ndjson" <<'EOT'
{"id":1,"region":"A","name":"ann","tier":"gold","seq":5}
{"id":2,"region":"B","name":"bob","tier":"gold","seq":5}
{"id":4,"region":"B","name":"dan","tier":"gold","seq":5}
EOT
cat >"$TMP/b1.ndjson" <<'EOT'
{"id":1,"region":"A","name":"new","tier":"silver","seq":7}
{"id":1,"region":"A","name":"mid","tier":"silver","seq":6}
{"id":2,"region":"B","name":"old","tier":"x","seq":4}
{"id":3,"region":"C","name":"cat","tier":"gold","seq":1}
EOT
cat >"$TMP/b2.ndjson" <<'EOT'
{"id":1,"region":"A","name":"late","tier":"bronze","seq":3}
{"id":1,"region":"A","name":"renamed","tier":"silver","seq":9}
{"id":3,"region":"C","name":"cat","tier":"gold","seq":2}
EOT

# 1. SCD1
T="$TMP/t"
"$BIN" write "$T" --from-json "$TMP/init.ndjson" --schema "$TMP/schema.json" \
  --partition-by region >/dev/null
M=("$BIN" merge "$T" --schema "$TMP/schema.json" --keys id --mode scd1 --sequence-by seq)
"${M[@]}" --source "$TMP/b1.ndjson" >/dev/null
"${M[@]}" --source "$TMP/b2.ndjson" >/dev/null
if "${M[@]}" --source "$TMP/b2.ndjson" | grep -q '"version":null'; then ok; else bad "scd1 replay"; fi
cat >"$TMP/want1" <<'EOT'
{"id":1,"region":"A","name":"renamed","tier":"silver","seq":9}
{"id":2,"region":"B","name":"bob","tier":"gold","seq":5}
{"id":3,"region":"C","name":"cat","tier":"gold","seq":2}
{"id":4,"region":"B","name":"dan","tier":"gold","seq":5}
EOT
"$BIN" cat "$T" >"$TMP/ours1"
if $CMP "$TMP/want1" "$TMP/ours1" --unordered --label "scd1"; then ok; else bad "scd1 rows"; fi

# 2. SCD2 tracking tier only
S="$TMP/s"
: >"$TMP/empty.ndjson"
"$BIN" write "$S" --from-json "$TMP/empty.ndjson" --schema "$TMP/scd2.json" \
  --partition-by region >/dev/null
M2=("$BIN" merge "$S" --schema "$TMP/schema.json" --keys id --mode scd2 --sequence-by seq
    --track tier)
"${M2[@]}" --source "$TMP/init.ndjson" >/dev/null
"${M2[@]}" --source "$TMP/b1.ndjson" >/dev/null
"${M2[@]}" --source "$TMP/b2.ndjson" >/dev/null
if "${M2[@]}" --source "$TMP/b1.ndjson" | grep -q '"version":null'; then ok; else bad "scd2 replay"; fi
# id 1: bronze [3,5) (late, before the first version), gold [5,6), silver [6,) renamed in place
# at 7 and 9. id 2: x at 4 starts a version before gold at 5. id 3: gold since 1, seq 2 in place.
cat >"$TMP/want2" <<'EOT'
{"id":1,"region":"A","name":"late","tier":"bronze","seq":3,"valid_from":3,"valid_to":5,"is_current":false}
{"id":1,"region":"A","name":"ann","tier":"gold","seq":5,"valid_from":5,"valid_to":6,"is_current":false}
{"id":1,"region":"A","name":"renamed","tier":"silver","seq":9,"valid_from":6,"valid_to":null,"is_current":true}
{"id":2,"region":"B","name":"old","tier":"x","seq":4,"valid_from":4,"valid_to":5,"is_current":false}
{"id":2,"region":"B","name":"bob","tier":"gold","seq":5,"valid_from":5,"valid_to":null,"is_current":true}
{"id":3,"region":"C","name":"cat","tier":"gold","seq":2,"valid_from":1,"valid_to":null,"is_current":true}
{"id":4,"region":"B","name":"dan","tier":"gold","seq":5,"valid_from":5,"valid_to":null,"is_current":true}
EOT
"$BIN" cat "$S" >"$TMP/ours2"
if $CMP "$TMP/want2" "$TMP/ours2" --unordered --label "scd2"; then ok; else bad "scd2 rows"; fi

# 3. insert-only from a Delta table source
U="$TMP/u"
printf '{"id":4,"region":"B","name":"dup","tier":"x","seq":1}\n{"id":8,"region":"D","name":"eve","tier":"gold","seq":1}\n' \
  >"$TMP/u.ndjson"
"$BIN" write "$U" --from-json "$TMP/u.ndjson" --schema "$TMP/schema.json" >/dev/null
"$BIN" merge "$T" --source "$U" --keys id --mode insert-only >/dev/null
"$BIN" cat "$T" >"$TMP/ours3"
if [ "$(wc -l <"$TMP/ours3")" = 5 ] && grep -q '"name":"eve"' "$TMP/ours3" &&
   ! grep -q '"name":"dup"' "$TMP/ours3"; then ok; else bad "insert-only: $(cat "$TMP/ours3")"; fi

# 4. DuckDB over the files our snapshots list
for tab in "$T" "$S"; do
  "$BIN" describe "$tab" >"$TMP/describe.json"
  "$BIN" files "$tab" >"$TMP/files"
  node "$HERE/node/delta_sql.mjs" "$TMP/describe.json" "$TMP/files" >"$TMP/q.sql"
  $DUCK --file "$TMP/q.sql" >"$TMP/duck"
  "$BIN" cat "$tab" >"$TMP/ours"
  if $CMP "$TMP/duck" "$TMP/ours" --unordered --label "merge: duckdb vs cat"; then ok; else
    bad "duckdb rows of $tab"; fi
done

# 5. The streaming job's user_profile SCD2 dimension (config `dimension:`), fed generated
#    clickstream (late events, attribute changes) through a topic on the real Kafka broker
#    (tests/peers/kafka): DuckDB reads the dimension's snapshot files with the same rows as
#    `lakestream cat`, and finds one current version per user of the events table and
#    contiguous histories.
kafka_fixture_use
TOPIC="delta-merge-$$"
kafka_topics --create --topic "$TOPIC" --partitions 4 --replication-factor 1 >"$TMP/topic.log" 2>&1 ||
  { cat "$TMP/topic.log" >&2; exit 1; }
sed -e "s#/tmp/lakestream#$TMP/stream#g" -e 's#interval: 5s#interval: 1s#' \
  -e "s#^  topic: clickstream#  topic: $TOPIC\n  group: $TOPIC#" -e "s#^  brokers: .*#  brokers: $KAFKA_BOOTSTRAP#" \
  -e 's#max_records: 200000#max_records: 4000#' "$HERE/../deploy/ingest-clickstream.yaml" \
  >"$TMP/ingest.yaml"
"$BIN" ingest --config "$TMP/ingest.yaml" --available-now --generate 12000 --quiet >/dev/null
D="$TMP/stream/user_profile"
"$BIN" cat "$D" >"$TMP/dim"
for tab in "$D" "$TMP/stream/events"; do
  "$BIN" describe "$tab" >"$TMP/describe.json"
  "$BIN" files "$tab" --deleted-rows >"$TMP/files"
  node "$HERE/node/delta_sql.mjs" "$TMP/describe.json" "$TMP/files" >"$TMP/$(basename "$tab").sql"
done
$DUCK --file "$TMP/user_profile.sql" >"$TMP/duck"
# The dimension is created with deletion vectors and its merges closed versions through them
# (DuckDB above skips the rows they hide by row index).
if "$BIN" describe "$D" | grep -q 'delta.enableDeletionVectors'; then ok; else
  bad "the dimension was created without deletion vectors"; fi
"$BIN" files "$D" --deleted-rows >"$TMP/dim.files"
if grep -q '"deletedRowIndexes"' "$TMP/dim.files"; then ok; else
  bad "no dimension file carries a deletion vector: $(head -3 "$TMP/dim.files")"; fi
if $CMP "$TMP/duck" "$TMP/dim" --unordered --label "dimension: duckdb vs cat"; then ok; else
  bad "duckdb rows of the dimension"; fi
checks=$($DUCK "CREATE TEMP VIEW d AS ($(cat "$TMP/user_profile.sql"));
  CREATE TEMP VIEW e AS ($(cat "$TMP/events.sql"));
  WITH h AS (SELECT *, lead(valid_from) OVER (PARTITION BY user_id ORDER BY valid_from) AS nxt
             FROM d)
  SELECT (SELECT count(*) FROM (SELECT user_id FROM d GROUP BY user_id
            HAVING count(*) FILTER (WHERE is_current) <> 1)) AS not_one_current,
         (SELECT count(DISTINCT user_id) FROM e WHERE user_id NOT IN (SELECT user_id FROM d))
            AS missing,
         (SELECT count(*) FROM h WHERE (nxt IS NULL) <> is_current
            OR (nxt IS NOT NULL AND valid_to IS DISTINCT FROM nxt)) AS gaps,
         (SELECT count(*) FROM d) > (SELECT count(DISTINCT user_id) FROM e) AS has_history")
case "$checks" in
  '{"not_one_current":0,"missing":0,"gaps":0,"has_history":true}') ok ;;
  *) bad "dimension checks: $checks" ;;
esac

# 6. Backfill: `lakestream merge --source EVENTS_TABLE --mode scd2` into an empty table of the
#    dimension's schema (events columns the dimension lacks are ignored) gives every user the
#    same current attributes as the dimension the stream kept batch by batch.
cat >"$TMP/dim.json" <<'JSON'
{"columns":[{"name":"user_id","type":"int64","nullable":false},{"name":"country","type":"string"},
 {"name":"city","type":"string"},{"name":"os","type":"string"},{"name":"browser","type":"string"},
 {"name":"device_id","type":"string"},{"name":"app_version","type":"string"},
 {"name":"event_time","type":"timestamp"},{"name":"valid_from","type":"timestamp"},
 {"name":"valid_to","type":"timestamp"},{"name":"is_current","type":"boolean"}]}
JSON
B="$TMP/backfill"
"$BIN" write "$B" --from-json "$TMP/empty.ndjson" --schema "$TMP/dim.json" >/dev/null
"$BIN" merge "$B" --source "$TMP/stream/events" --keys user_id --mode scd2 \
  --sequence-by event_time --track country,city,os,browser,device_id,app_version >/dev/null
current() {
  "$BIN" cat "$1" --columns user_id,country,city,os,browser,device_id,app_version,is_current |
    grep '"is_current":true' | sort
}
current "$B" >"$TMP/cur_backfill"
current "$D" >"$TMP/cur_stream"
if [ -s "$TMP/cur_stream" ] && cmp -s "$TMP/cur_backfill" "$TMP/cur_stream"; then ok; else
  bad "backfill current versions differ from the stream's ($(wc -l <"$TMP/cur_backfill") vs $(wc -l <"$TMP/cur_stream"))"
fi

echo "delta_merge_test: $passed passed, $failed failed"
[ "$failed" = 0 ]
