#!/usr/bin/env bash
# Spark's tables, read by lakestream (issue 13 §2): one local Spark session (Delta Lake jars
# from tests/peers/spark/jars, no network) writes a Delta table per feature Delta 4.x can
# enable, and `lakestream cat` must return Spark's rows exactly or fail with NotSupported
# naming the feature, as pinned per table in tests/peers/spark_tables.py. The tables are
# made at test time in a temporary directory and removed on exit.
# usage: spark_tables_test.sh LAKESTREAM_BINARY [TABLE,...]
set -euo pipefail
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
ONLY="${2:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="$HERE/peers/.venv/bin/python"
JARS="$HERE/peers/spark/jars"
[ -x "$BIN" ] || { echo "spark_tables_test: $BIN is not an executable" >&2; exit 1; }
[ -x "$PY" ] || { echo "spark_tables_test: $PY missing (run ./run deps)" >&2; exit 1; }
ls "$JARS"/delta-spark_*.jar >/dev/null 2>&1 ||
  { echo "spark_tables_test: no Delta jars in $JARS (run ./run deps)" >&2; exit 1; }

source "$HERE/lib.sh"
lib_init spark_tables_test
PID=""
# Spark's JVM is a child of the Python driver: stop the driver's whole process group.
at_exit '[ -n "$PID" ] && stop_group "$PID"'

# Everything local: UTC so Python and the JVM agree on timestamps, loopback only, and
# Spark's scratch space under the temporary directory.
export TZ=UTC SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$TMP/spark-local"
export PYSPARK_PYTHON="$PY" PYSPARK_DRIVER_PYTHON="$PY"
unset SPARK_HOME PYTHONPATH
mkdir -p "$TMP/spark-local"

start=$(date +%s)
setsid timeout 840 "$PY" "$HERE/peers/spark_tables.py" --bin "$BIN" --work "$TMP" \
  --jars "$JARS" ${ONLY:+--only "$ONLY"} ${SPARK_TABLES_MARKDOWN:+--markdown "$SPARK_TABLES_MARKDOWN"} &
PID=$!
rc=0
wait "$PID" || rc=$?
PID=""
echo "spark_tables_test: $(($(date +%s) - start))s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$rc" -eq 124 ] && echo "spark_tables_test: timed out after 840s" >&2
exit "$rc"
