#!/usr/bin/env bash
# Parquet with pyarrow, both ways (issue 13 §2): pyarrow reads every kind of file our writer
# produces (every type, nested, every codec we write, dictionary and PLAIN, many row groups,
# the from-json ingest path) with the values we wrote, and lakestream reads files pyarrow
# writes (every codec, data page v2, page indexes, bloom filters, checksums, DELTA_* and
# BYTE_STREAM_SPLIT encodings) with the values pyarrow reads. See tests/peers/parquet_pyarrow.py.
# usage: parquet_pyarrow_test.sh LAKESTREAM_BINARY
set -euo pipefail
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="$HERE/peers/.venv/bin/python"
[ -x "$BIN" ] || { echo "parquet_pyarrow_test: $BIN is not an executable" >&2; exit 1; }
[ -x "$PY" ] || { echo "parquet_pyarrow_test: $PY missing (run ./run deps)" >&2; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init parquet_pyarrow_test
export TZ=UTC
start=$(date +%s)
rc=0
timeout 540 "$PY" "$HERE/peers/parquet_pyarrow.py" --bin "$BIN" --work "$TMP" \
  ${PARQUET_PYARROW_MARKDOWN:+--markdown "$PARQUET_PYARROW_MARKDOWN"} || rc=$?
echo "parquet_pyarrow_test: $(($(date +%s) - start))s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$rc" -eq 124 ] && echo "parquet_pyarrow_test: timed out after 540s" >&2
exit "$rc"
