#!/usr/bin/env bash
# SCD2 at scale with deletion vectors (issue 16): lakestream's MergeScd2 into a dimension
# with delta.enableDeletionVectors beside DuckDB's full rewrite and a delta-rs MERGE, the
# same dimension and the same batch, in the same run. Not part of ./run test.
#
#   scd2_dv_bench.sh [BUILD_DIR]
#
# Environment:
#   BENCH_SCD2_ROWS   users in the dimension (default 50,000,000)
#   BENCH_SCD2_BATCH  events in the batch (default 1,000,000; 10% change a tracked column)
#   BENCH_SCD2_DIR    work directory (default BUILD_DIR/bench/scd2_dv). The dimension and
#                     the batch are built once and kept there; later runs reuse them
#                     (delete the directory to rebuild).
#   BENCH_SCD2_TOOLS  which to run (default "lakestream duckdb deltars"; add lakestream_cow
#                     for lakestream's copy-on-write merge of the same table without DVs)
#
# 1. `merge_bench build` writes the dimension (arrival layout: users in random order, keys
#    random across 8 MiB zstd files; one current version per user), protocol 1/2 without
#    deletion vectors; `merge_bench batch` the batch as a Delta table of one file (uniform
#    keys: distinct users drawn from all; 10% with a changed country and a newer
#    event_time, the rest repeating their stored version exactly).
# 2. Each Delta tool merges into its own hard-linked copy of the dimension (`cp -al`:
#    neither tool modifies an existing file, so the copies share the built data files and
#    everything a merge writes has link count 1): lakestream after `merge_bench enable-dv`
#    (one metadata commit: protocol 3/7 with deletionVectors, the property on), then
#    `merge_bench merge --batch-table` (the batch read from its table, as the peers read it); delta-rs: bench/deltars_bench.py merge (staged SCD2 MERGE,
#    copy-on-write: delta-rs 1.6.6 writes no deletion vectors and cannot read them).
#    DuckDB: the SCD2 step as SQL over the dimension's Parquet files and the batch, the
#    whole result written as one zstd Parquet file (a full rewrite; no Delta commit).
# 3. Every process measured by bench/proc_tree_measure.py (wall, CPU of the tree, peak RSS
#    of the tree). Bytes written: the files a merge created (link count 1 in its copy: data,
#    deletion vector and log files), DuckDB's output file.
# 4. Each result is checked: rows, current and closed versions, and over the closed
#    versions the sums of user_id and of valid_to (whole seconds; microseconds within the
#    second) must be equal across the tools (lakestream's
#    read by lakestream with its DVs applied, delta-rs's by delta-rs, DuckDB's by DuckDB).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
MERGE_BENCH="$BUILD_DIR/bench/merge_bench"
ROWS="${BENCH_SCD2_ROWS:-50000000}"
BATCH="${BENCH_SCD2_BATCH:-1000000}"
WORK="${BENCH_SCD2_DIR:-$BUILD_DIR/bench/scd2_dv}"
TOOLS="${BENCH_SCD2_TOOLS:-lakestream duckdb deltars}"
PY="$ROOT/tests/peers/.venv/bin/python"
DUCKDB=(node "$ROOT/tests/node/duckdb.mjs")
MEASURE=(python3 "$ROOT/bench/proc_tree_measure.py")
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "scd2_dv: error: $*"; exit 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
[ -x "$MERGE_BENCH" ] || die "$MERGE_BENCH not built"
mkdir -p "$WORK"
BASE="$WORK/dim_$ROWS"
BATCH_DIR="$WORK/batch_${ROWS}_$BATCH"

if [ ! -f "$WORK/dim_$ROWS.built" ]; then
  log "scd2_dv: building a $ROWS-user dimension (arrival layout), load $(load)"
  rm -rf "$BASE" "$BATCH_DIR"
  "$MERGE_BENCH" build "$BASE" --rows "$ROWS" --layout arrival > "$WORK/build.out" ||
    die "merge_bench build failed"
  log "scd2_dv: $(cat "$WORK/build.out")"
  touch "$WORK/dim_$ROWS.built"
fi
if [ ! -d "$BATCH_DIR" ]; then
  "$MERGE_BENCH" batch "$BASE" --out "$BATCH_DIR" --batch "$BATCH" --changed 0.1 \
    --keys uniform >&2 || die "merge_bench batch failed"
fi
TABLE_BYTES=$(find "$BASE" -name '*.parquet' -printf '%s\n' | awk '{ n += $1 } END { print n }')
TABLE_FILES=$(find "$BASE" -name '*.parquet' | wc -l)
log "scd2_dv: dimension $ROWS rows, $TABLE_FILES files, $TABLE_BYTES bytes; batch $BATCH events"

# Bytes of the files a merge created in its hard-linked copy.
new_bytes() { find "$1" -type f -links 1 -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }'; }
fig() { sed -E "s/.*(^| )$1=([^ ]+).*/\2/" <<< "$2"; }
RESULTS=()
SUMMARIES=()

for tool in $TOOLS; do
  out="$WORK/$tool"
  rm -rf "$out" "$out.parquet"
  case "$tool" in
    lakestream|lakestream_cow)
      cp -al "$BASE" "$out"
      [ "$tool" = lakestream ] && { "$MERGE_BENCH" enable-dv "$out" >&2 || die "enable-dv failed"; }
      log "scd2_dv: $tool merge, load $(load)"
      "${MEASURE[@]}" "$out.measure" -- "$MERGE_BENCH" merge "$out" --batch-table "$BATCH_DIR" \
        > "$out.out" 2> "$out.err" ||
        { cat "$out.err" >&2; die "$tool merge failed"; }
      log "scd2_dv: $(cat "$out.out")"
      written=$(new_bytes "$out")
      summary=$("$MERGE_BENCH" summary "$out") || die "$tool summary failed"
      ;;
    duckdb)
      changed_if=""
      for c in country city os browser device_id app_version; do
        changed_if+="${changed_if:+ OR }b.$c IS DISTINCT FROM t.$c"
      done
      cols="user_id, country, city, os, browser, device_id, app_version, event_time"
      log "scd2_dv: duckdb full rewrite, load $(load)"
      "${MEASURE[@]}" "$out.measure" -- "${DUCKDB[@]}" --timing "SET threads=2;
        COPY (WITH t AS (SELECT * FROM read_parquet('$BASE/*.parquet')),
          b AS (SELECT * FROM read_parquet('$BATCH_DIR/*.parquet')),
          ch AS (SELECT b.* FROM b JOIN t ON t.user_id = b.user_id AND t.is_current
                 WHERE b.event_time > t.event_time AND ($changed_if))
          SELECT t.user_id, t.country, t.city, t.os, t.browser, t.device_id, t.app_version,
                 t.event_time, t.valid_from,
                 CASE WHEN ch.user_id IS NULL OR NOT t.is_current THEN t.valid_to
                      ELSE ch.event_time END AS valid_to,
                 CASE WHEN ch.user_id IS NULL THEN t.is_current ELSE false END AS is_current
          FROM t LEFT JOIN ch ON t.user_id = ch.user_id
          UNION ALL
          SELECT $cols, event_time, NULL::TIMESTAMP, true FROM ch)
        TO '$out.parquet' (FORMAT parquet, COMPRESSION zstd)" > /dev/null 2> "$out.err" ||
        { cat "$out.err" >&2; die "duckdb merge failed"; }
      written=$(stat -c %s "$out.parquet")
      summary=$("${DUCKDB[@]}" "SELECT count(*) AS n, count(*) FILTER (WHERE is_current) AS cur,
          count(*) FILTER (WHERE NOT is_current) AS closed,
          coalesce(sum(user_id) FILTER (WHERE NOT is_current), 0) AS us,
          coalesce(sum(epoch_us(valid_to) // 1000000) FILTER (WHERE NOT is_current), 0) AS vs,
          coalesce(sum(epoch_us(valid_to) % 1000000) FILTER (WHERE NOT is_current), 0) AS vu
        FROM read_parquet('$out.parquet')" |
        python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); print(
          "summary rows=%s current=%s closed=%s closed_user_id_sum=%s closed_valid_to_s_sum=%s"
          " closed_valid_to_us_sum=%s" % (r["n"], r["cur"], r["closed"], r["us"], r["vs"], r["vu"]))'
      ) || die "duckdb summary failed"
      rm -f "$out.parquet"
      ;;
    deltars)
      cp -al "$BASE" "$out"
      log "scd2_dv: delta-rs MERGE, load $(load)"
      "${MEASURE[@]}" "$out.measure" -- "$PY" "$ROOT/bench/deltars_bench.py" merge "$out" \
        "$BATCH_DIR" > "$out.out" 2> "$out.err" || { cat "$out.err" >&2; die "delta-rs merge failed"; }
      log "scd2_dv: $(cat "$out.out")"
      written=$(new_bytes "$out")
      summary=$("$PY" "$ROOT/bench/deltars_bench.py" counts "$out") || die "delta-rs counts failed"
      ;;
    *) die "unknown tool $tool" ;;
  esac
  m=$(cat "$out.measure")
  log "scd2_dv: $tool $m bytes_written=$written $summary"
  RESULTS+=("$(printf '%-16s %8.2f %8.2f %7.0f %11.1f' "$tool" "$(fig wall_s "$m")" \
    "$(fig cpu_s "$m")" "$(fig rss_mb "$m")" "$(awk -v b="$written" 'BEGIN { print b / 1e6 }')")")
  SUMMARIES+=("$(sed -E 's/^summary //' <<< "$summary")")
  [ "$tool" = duckdb ] || rm -rf "$out"
done

echo "SCD2 merge: $BATCH events (10% changed, uniform keys) into $ROWS users (arrival layout," \
  "$TABLE_FILES files, $(awk -v b="$TABLE_BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
printf '%-16s %8s %8s %7s %11s\n' tool wall_s cpu_s rss_MB MB_written
for r in "${RESULTS[@]}"; do echo "$r"; done
first="${SUMMARIES[0]}"
for s in "${SUMMARIES[@]}"; do
  [ "$s" = "$first" ] || die "the results differ: '$s' vs '$first'"
done
echo "all results: $first"
