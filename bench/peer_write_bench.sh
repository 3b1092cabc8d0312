#!/usr/bin/env bash
# Write peers: the same NDJSON file written as a new Delta table by `lakestream write` and
# by delta-rs write_deltalake, in the same run.
#
#   peer_write_bench.sh BUILD_DIR NDJSON
#
# NDJSON is the clickstream events file of bench/run_benchmarks.sh (BENCH_EVENTS events,
# `lakestream generate --seed 42`, no malformed lines). Each tool writes a fresh,
# unpartitioned table, Parquet zstd level 3:
#   lakestream: `lakestream write TABLE --from-json NDJSON --schema bench/clickstream_schema.json`
#   delta-rs:   bench/deltars_bench.py write (pyarrow.json reads the file with the same
#               column types, the json column as an inferred struct; write_deltalake writes)
# Each run is measured by bench/proc_tree_measure.py: wall, user+sys CPU of the process
# tree, peak RSS of the tree. PEER_WRITE_REPEAT runs each (default 2; the fastest run's
# figures are printed: other work on a shared machine only adds time). delta-rs reads both
# tables back: the same rows, each event_id once, the same column sums.
# Prints one row per tool: input MB, wall s, MB/s, CPU s, MB per CPU second, peak RSS MB,
# table bytes, rows. MB is 10^6 bytes of NDJSON input.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:?usage: peer_write_bench.sh BUILD_DIR NDJSON}"
INPUT="${2:?usage: peer_write_bench.sh BUILD_DIR NDJSON}"
BIN="$BUILD_DIR/lakestream"
REPEAT="${PEER_WRITE_REPEAT:-2}"
WORK="${BENCH_DIR:-$BUILD_DIR/bench}/peer_write"
PY="$ROOT/tests/peers/.venv/bin/python"
SCHEMA="$ROOT/bench/clickstream_schema.json"
MEASURE=(python3 "$ROOT/bench/proc_tree_measure.py")
log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "peer_write: error: $*"; exit 1; }
[ -x "$BIN" ] || die "$BIN not built"
[ -x "$PY" ] || die "tests/peers/.venv missing; run ./run deps"
[ -s "$INPUT" ] || die "$INPUT: no such NDJSON file"
rm -rf "$WORK"
mkdir -p "$WORK"
MB=$(awk -v b="$(stat -c %s "$INPUT")" 'BEGIN { printf "%.1f", b / 1e6 }')
EVENTS=$(wc -l < "$INPUT")

# Runs one tool REPEAT times on a fresh table; prints the fastest run's measure line.
best_run() {  # name table command...
  local name=$1 table=$2 i best="" m w
  shift 2
  for ((i = 1; i <= REPEAT; i++)); do
    rm -rf "$table"
    log "peer_write: $name run $i ($MB MB), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${MEASURE[@]}" "$WORK/measure.txt" -- "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" ||
      { cat "$WORK/$name.err" >&2; die "$name failed"; }
    m=$(cat "$WORK/measure.txt")
    log "peer_write: $name $m"
    w=$(sed -E 's/.*wall_s=([^ ]+).*/\1/' <<< "$m")
    if [ -z "$best" ] || awk -v a="$w" -v b="$(sed -E 's/.*wall_s=([^ ]+).*/\1/' <<< "$best")" \
        'BEGIN { exit !(a < b) }'; then
      best=$m
    fi
  done
  echo "$best"
}

LS_M=$(best_run lakestream "$WORK/lakestream" \
  "$BIN" write "$WORK/lakestream" --from-json "$INPUT" --schema "$SCHEMA")
RS_M=$(best_run deltars "$WORK/deltars" \
  "$PY" "$ROOT/bench/deltars_bench.py" write "$INPUT" "$WORK/deltars" "$SCHEMA")

"$PY" "$ROOT/bench/deltars_bench.py" rows "$EVENTS" "$WORK/lakestream" "$WORK/deltars" \
  > "$WORK/check.txt" || die "table check failed (see above)"
log "peer_write: delta-rs finds $EVENTS rows, each event once, the same sums in both tables"

row() {  # tool measure_line table
  local m=$2
  f() { sed -E "s/.*(^| )$1=([^ ]+).*/\2/" <<< "$m"; }
  awk -v tool="$1" -v mb="$MB" -v wall="$(f wall_s)" -v cpu="$(f cpu_s)" -v rss="$(f rss_mb)" \
    -v bytes="$(find "$3" -name '*.parquet' -printf '%s\n' | awk '{ n += $1 } END { print n }')" \
    -v rows="$EVENTS" 'BEGIN {
      printf "%-20s %7.1f %8.2f %7.1f %8.2f %8.2f %7.0f %11s %8s\n",
        tool, mb, wall, mb / wall, cpu, mb / cpu, rss, bytes, rows }'
}
printf '%-20s %7s %8s %7s %8s %8s %7s %11s %8s\n' tool MB wall_s MB/s cpu_s MB/cpu_s rss_MB \
  table_bytes rows
row "lakestream write" "$LS_M" "$WORK/lakestream"
row "delta-rs $("$PY" -c 'import deltalake; print(deltalake.__version__)')" "$RS_M" "$WORK/deltars"
