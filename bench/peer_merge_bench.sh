#!/usr/bin/env bash
# SCD2 merge peers: lakestream's MergeScd2 beside a delta-rs MERGE, the same dimension and
# the same batch, in the same run.
#
#   peer_merge_bench.sh [BUILD_DIR]
#
# 1. `merge_bench build` writes a user_profile-shaped SCD2 dimension of
#    BENCH_MERGE_PEERS_ROWS users (default 2,000,000; arrival layout: keys random across
#    8 MiB files, zstd 3) and `merge_bench batch` the batch of BENCH_MERGE_PEERS_BATCH
#    events (default 200,000 distinct users drawn uniformly, 10% with a changed tracked
#    column and a newer event_time, the rest replays) as a Delta table.
# 2. lakestream: `merge_bench merge` on a fresh copy of the dimension (it builds the same
#    batch from the same seed in memory, then delta::MergeScd2).
# 3. delta-rs: bench/deltars_bench.py merge on another fresh copy (the batch read from its
#    table, staged with DataFusion SQL, one MERGE; see that file).
# Both measured by bench/proc_tree_measure.py. delta-rs then reads both results: they must
# hold the same rows (all columns, sorted), i.e. the same versions closed and inserted.
# Prints one row per tool: MB (the dimension's Parquet bytes before the merge: what a
# copy-on-write merge has to consider), wall s, MB/s, CPU s, MB per CPU second, peak RSS
# MB, rows after, closed versions after. MB is 10^6 bytes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-${LAKESTREAM_BUILD_DIR:-$ROOT/build}}"
MERGE_BENCH="$BUILD_DIR/bench/merge_bench"
ROWS="${BENCH_MERGE_PEERS_ROWS:-2000000}"
BATCH="${BENCH_MERGE_PEERS_BATCH:-200000}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/peer_merge"
PY="$ROOT/tests/peers/.venv/bin/python"
MEASURE=(python3 "$ROOT/bench/proc_tree_measure.py")
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "peer_merge: error: $*"; exit 1; }
[ -x "$MERGE_BENCH" ] || die "$MERGE_BENCH not built"
[ -x "$PY" ] || die "tests/peers/.venv missing; run ./run deps"
rm -rf "$WORK"
mkdir -p "$WORK"

log "peer_merge: building a $ROWS-user dimension (arrival layout) and a $BATCH-event batch"
"$MERGE_BENCH" build "$WORK/dim" --rows "$ROWS" --layout arrival >&2 || die "merge_bench build failed"
"$MERGE_BENCH" batch "$WORK/dim" --out "$WORK/batch" --batch "$BATCH" --changed 0.1 \
  --keys uniform >&2 || die "merge_bench batch failed"
BYTES=$(find "$WORK/dim" -name '*.parquet' -printf '%s\n' | awk '{ n += $1 } END { print n }')
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')

cp -r "$WORK/dim" "$WORK/lakestream"
log "peer_merge: lakestream MergeScd2 ($MB MB table), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${MEASURE[@]}" "$WORK/lakestream.measure" -- "$MERGE_BENCH" merge "$WORK/lakestream" \
  --batch "$BATCH" --changed 0.1 --keys uniform > "$WORK/lakestream.out" 2> "$WORK/lakestream.err" ||
  { cat "$WORK/lakestream.err" >&2; die "lakestream merge failed"; }
log "peer_merge: lakestream $(cat "$WORK/lakestream.measure")"

cp -r "$WORK/dim" "$WORK/deltars"
log "peer_merge: delta-rs MERGE ($MB MB table), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${MEASURE[@]}" "$WORK/deltars.measure" -- "$PY" "$ROOT/bench/deltars_bench.py" merge \
  "$WORK/deltars" "$WORK/batch" > "$WORK/deltars.out" 2> "$WORK/deltars.err" ||
  { cat "$WORK/deltars.err" >&2; die "delta-rs merge failed"; }
log "peer_merge: $(cat "$WORK/deltars.out") $(cat "$WORK/deltars.measure")"

"$PY" "$ROOT/bench/deltars_bench.py" summary "$WORK/lakestream" "$WORK/deltars" \
  > "$WORK/check.txt" || die "the two merged tables differ (see above)"
log "peer_merge: delta-rs finds the same rows in both merged tables: $(head -1 "$WORK/check.txt")"

row() {  # tool measure_file table
  local m
  m=$(cat "$2")
  f() { sed -E "s/.*(^| )$1=([^ ]+).*/\2/" <<< "$m"; }
  local s
  s=$(grep -F "table=$3 " "$WORK/check.txt")
  awk -v tool="$1" -v mb="$MB" -v wall="$(f wall_s)" -v cpu="$(f cpu_s)" -v rss="$(f rss_mb)" \
    -v rows="$(sed -E 's/.* rows=([0-9]+).*/\1/' <<< "$s")" \
    -v closed="$(sed -E 's/.* closed=([0-9]+).*/\1/' <<< "$s")" 'BEGIN {
      printf "%-20s %7.1f %8.2f %7.1f %8.2f %8.2f %7.0f %9s %8s\n",
        tool, mb, wall, mb / wall, cpu, mb / cpu, rss, rows, closed }'
}
printf '%-20s %7s %8s %7s %8s %8s %7s %9s %8s\n' tool MB wall_s MB/s cpu_s MB/cpu_s rss_MB \
  rows closed
row "lakestream merge" "$WORK/lakestream.measure" "$WORK/lakestream"
row "delta-rs $("$PY" -c 'import deltalake; print(deltalake.__version__)') MERGE" \
  "$WORK/deltars.measure" "$WORK/deltars"
