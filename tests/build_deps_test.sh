#!/usr/bin/env bash
# A library builds without dependencies it does not use (issue 15): each module finds and links
# only what it needs (src/*/CMakeLists.txt).
#  1. The parquet-only test binary links none of librdkafka, libpq, SQLite, simdjson.
#  2. The core (LAKESTREAM_CORE_ONLY: common, metrics, io, parquet, delta) configures with only
#     the core's packages visible: pkg-config sees the codecs, zlib, curl and OpenSSL (and what
#     they require) and nothing else; simdjson, CLI11 and GTest are hidden from CMake (yaml-cpp,
#     the config reader's, is io's).
#
#   build_deps_test.sh SOURCE_DIR BUILD_DIR PARQUET_TEST_BINARY
set -euo pipefail
SRC="${1:?source dir}"
BUILD="${2:?build dir}"
PARQUET_TEST="${3:?parquet_test binary}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lib_init build_deps_test

echo "== 1. ldd $PARQUET_TEST"
ldd "$PARQUET_TEST" > "$TMP/ldd.txt" || fail "ldd $PARQUET_TEST"
grep -q 'libzstd' "$TMP/ldd.txt" || fail "the check is blind: parquet_test does not even show libzstd"
bad=$(grep -E 'librdkafka|libpq|libsqlite3|libsimdjson' "$TMP/ldd.txt" || true)
[ -z "$bad" ] || fail "parquet_test links what parquet does not use: $bad"

echo "== 2. configure the core with only its packages visible"
mkdir -p "$TMP/pc"
want=(libzstd snappy liblz4 libbrotlienc libbrotlidec zlib libcurl openssl)
seen=" "
add_pc() {
  local m="$1" dep
  case "$seen" in *" $m "*) return ;; esac
  seen="$seen$m "
  local file
  file=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)/$m.pc || true
  [ -f "$file" ] || return 0
  ln -sf "$file" "$TMP/pc/$m.pc"
  for dep in $(pkg-config --print-requires --print-requires-private "$m" 2>/dev/null | awk '{print $1}'); do
    add_pc "$dep"
  done
}
for m in "${want[@]}"; do add_pc "$m"; done
for m in rdkafka libpq sqlite3 cpp-httplib; do
  [ ! -e "$TMP/pc/$m.pc" ] || fail "$m.pc would be visible to the core-only configure"
done
PKG_CONFIG_LIBDIR="$TMP/pc" PKG_CONFIG_PATH="" cmake -S "$SRC" -B "$TMP/core" -G Ninja \
  -DLAKESTREAM_CORE_ONLY=ON -DCMAKE_CXX_COMPILER_LAUNCHER= -DCMAKE_C_COMPILER_LAUNCHER= \
  -DCMAKE_DISABLE_FIND_PACKAGE_simdjson=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON \
  > "$TMP/configure.log" 2>&1 || { tail -n 30 "$TMP/configure.log" >&2; fail "core-only configure"; }
ninja -C "$TMP/core" -t targets all > "$TMP/targets.txt"
for t in lakestream_common lakestream_io lakestream_parquet lakestream_delta; do
  grep -q "^lib$t.a:" "$TMP/targets.txt" || fail "the core configure has no $t"
done
! grep -qE '^liblakestream_(stream|odata|serve|pipeline)\.a:' "$TMP/targets.txt" ||
  fail "the core configure builds modules outside the core"
! grep -qiE 'rdkafka|libpq' "$TMP/core/CMakeCache.txt" ||
  fail "the core configure looked for librdkafka or libpq: $(grep -iE 'rdkafka|libpq' "$TMP/core/CMakeCache.txt" | head -3)"
echo "build_deps_test: ok"
