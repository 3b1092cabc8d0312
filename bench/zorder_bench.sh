#!/usr/bin/env bash
# Z-order benchmark: a selective two-column query on a clickstream-like Delta
# table before and after `lakestream optimize --zorder-by user_id,page_id`,
# with files and bytes scanned vs skipped and seconds, beside DuckDB running
# the same query over the same live Parquet files in the same run.
#
#   1. bench/clickstream_table_gen writes BENCH_ZORDER_ROWS rows over
#      BENCH_ZORDER_DAYS daily partitions, BENCH_ZORDER_BATCHES appends per
#      day (like streaming micro-batches: every file spans all user_ids).
#   2. `lakestream query` and DuckDB run QUERY (count and sum over the rows
#      with user_id and page_id in narrow ranges); best of BENCH_REPEAT.
#   3. `lakestream optimize --zorder-by user_id,page_id` with a target file
#      size giving about BENCH_ZORDER_FILES_PER_DAY files per partition.
#   4. Step 2 again. The results must agree between the tools and phases.
#
# Environment: BENCH_ZORDER_ROWS (default 20000000), BENCH_ZORDER_DAYS (20),
# BENCH_ZORDER_BATCHES (16), BENCH_ZORDER_FILES_PER_DAY (16), BENCH_REPEAT (3),
# BENCH_DIR (build/bench), LAKESTREAM_BUILD_DIR (build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${LAKESTREAM_BUILD_DIR:-$ROOT/build}"
BIN="$BUILD_DIR/lakestream"
GEN="$BUILD_DIR/bench/clickstream_table_gen"
ROWS="${BENCH_ZORDER_ROWS:-20000000}"
DAYS="${BENCH_ZORDER_DAYS:-20}"
BATCHES="${BENCH_ZORDER_BATCHES:-16}"
FILES_PER_DAY="${BENCH_ZORDER_FILES_PER_DAY:-16}"
REPEAT="${BENCH_REPEAT:-3}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/zorder"
TABLE="$WORK/clickstream"
DUCKDB=(node "$ROOT/tests/node/duckdb.mjs")
WHERE="user_id >= 1000000 AND user_id < 1020000 AND page_id >= 2500 AND page_id < 2600"

log() { printf '[zorder] %s\n' "$*" >&2; }
die() { printf '[zorder] error: %s\n' "$*" >&2; exit 1; }
[ -x "$BIN" ] || die "$BIN not found; build first"
[ -x "$GEN" ] || die "$GEN not found; build the clickstream_table_gen target"
[ -d "$ROOT/tests/node/node_modules" ] || die "tests/node/node_modules missing; run ./run deps"
mkdir -p "$WORK"
rm -rf "$TABLE"
jget() { node -e 'const j = JSON.parse(process.argv[1]); console.log(j[process.argv[2]]);' "$1" "$2"; }

log "generating $ROWS rows, $DAYS days x $BATCHES appends -> $TABLE"
GEN_OUT=$("$GEN" --table "$TABLE" --rows "$ROWS" --days "$DAYS" --batches-per-day "$BATCHES")
log "$GEN_OUT"
TABLE_BYTES=$(jget "$GEN_OUT" bytes)
TARGET=$((TABLE_BYTES / (DAYS * FILES_PER_DAY)))

RESULTS=()
# Runs the query REPEAT times through lakestream and DuckDB; appends a result row.
measure() {  # phase
  local phase=$1 best="" stats="" out="" i
  for ((i = 0; i < REPEAT; i++)); do
    out=$("$BIN" query "$TABLE" --where "$WHERE" --agg 'count,sum(revenue)' 2>"$WORK/stderr")
    local s
    s=$(sed -n 's/^scan: //p' "$WORK/stderr")
    local secs
    secs=$(jget "$s" seconds)
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$secs
      stats=$s
    fi
  done
  local files
  files=$("$BIN" files "$TABLE" | node -e '
    const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
    console.log(lines.map((l) => `'"'"'${JSON.parse(l).path}'"'"'`).join(","));')
  local sql="SELECT count(*) AS n, sum(revenue) AS revenue FROM read_parquet([$files]) WHERE $WHERE"
  local dbest="" dout=""
  for ((i = 0; i < REPEAT; i++)); do
    dout=$("${DUCKDB[@]}" --timing "$sql" 2>"$WORK/dstderr")
    local ms
    ms=$(sed -n 's/^duckdb_ms=//p' "$WORK/dstderr")
    if [ -z "$dbest" ] || awk -v a="$ms" -v b="$dbest" 'BEGIN { exit !(a < b) }'; then
      dbest=$ms
    fi
  done
  local ours_n duck_n
  ours_n=$(jget "$out" count)
  duck_n=$(jget "$dout" n)
  [ "$ours_n" = "$duck_n" ] || die "$phase: lakestream counted $ours_n rows, DuckDB $duck_n"
  log "$phase: $out (DuckDB: $dout)"
  RESULTS+=("$(node -e '
    const [phase, s, dms, n] = process.argv.slice(1);
    const j = JSON.parse(s);
    const skipped = j.files_skipped + j.files_pruned;
    const pct = (100 * skipped / j.files_total).toFixed(1);
    const mb = (b) => (b / 1e6).toFixed(1);
    console.log([phase.padEnd(14), String(j.files_total).padStart(6), String(j.files_scanned).padStart(8),
      (pct + "%").padStart(8), mb(j.bytes_scanned).padStart(10), mb(j.bytes_total).padStart(9),
      j.seconds.toFixed(3).padStart(8), (dms / 1000).toFixed(3).padStart(10), String(n).padStart(7)].join(" "));
  ' "$phase" "$stats" "$dbest" "$ours_n")")
}

measure "before"
log "optimize --zorder-by user_id,page_id --target-file-size $TARGET"
OPT=$("$BIN" optimize "$TABLE" --zorder-by user_id,page_id --target-file-size "$TARGET")
log "$OPT"
measure "after zorder"

# Skipping for BOXES more query boxes of the same shape (1% of user_ids x 2% of
# page_ids) at fixed pseudo-random places, so the figure does not hinge on where
# one box falls relative to the Z-curve's cell boundaries.
BOXES="${BENCH_ZORDER_BOXES:-8}"
box_stats=()
for ((b = 0; b < BOXES; b++)); do
  read -r u p < <(awk -v seed=$((b + 1)) 'BEGIN { srand(seed); printf "%d %d\n", int(rand() * 1980000), int(rand() * 4900) }')
  w="user_id >= $u AND user_id < $((u + 20000)) AND page_id >= $p AND page_id < $((p + 100))"
  "$BIN" query "$TABLE" --where "$w" --agg count >/dev/null 2>"$WORK/stderr"
  box_stats+=("$(sed -n 's/^scan: //p' "$WORK/stderr")")
done
BOX_SUMMARY=$(node -e '
  const stats = process.argv.slice(1).map((s) => JSON.parse(s));
  const pct = stats.map((j) => 100 * (j.files_skipped + j.files_pruned) / j.files_total);
  const mean = pct.reduce((a, b) => a + b, 0) / pct.length;
  console.log(`${stats.length} boxes: files skipped mean ${mean.toFixed(1)}%, min ${Math.min(...pct).toFixed(1)}%, max ${Math.max(...pct).toFixed(1)}%; seconds mean ${(stats.reduce((a, j) => a + j.seconds, 0) / stats.length).toFixed(3)}`);
' "${box_stats[@]}")
AGAIN=$("$BIN" optimize "$TABLE" --zorder-by user_id,page_id --target-file-size "$TARGET")
[ "$(jget "$AGAIN" version)" = "-1" ] || die "a second optimize committed: $AGAIN"

echo
echo "Z-order: $ROWS rows, $DAYS partitions, $BATCHES appends/day, $TABLE_BYTES bytes; query: $WHERE"
echo "optimize: $OPT"
printf '%-14s %6s %8s %8s %10s %9s %8s %10s %7s\n' phase files scanned skipped% MB_scanned MB_total seconds duckdb_s rows
for r in "${RESULTS[@]}"; do echo "$r"; done
echo "after zorder, $BOX_SUMMARY"
