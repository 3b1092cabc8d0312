#!/usr/bin/env bash
# The shipping binary carries no test machinery (issue 15): no crash hooks or test-only
# environment switches in `lakestream`, and neither librdkafka's mock broker nor the clickstream
# generator in the product stream and pipeline libraries (they live in lakestream_stream_dev and
# lakestream_generator, tests/tools and tests/).
#
#   no_test_hooks_test.sh LAKESTREAM_BIN LIBLAKESTREAM_STREAM.a LIBLAKESTREAM_PIPELINE.a
set -euo pipefail
BIN=${1:?lakestream binary}
STREAM_LIB=${2:?liblakestream_stream.a}
PIPELINE_LIB=${3:?liblakestream_pipeline.a}
fail() { echo "FAIL: $*" >&2; exit 1; }

nm -C "$BIN" > /dev/null || fail "nm cannot read $BIN"
hooks=$(nm -C "$BIN" | grep -i -E 'crash|before_commit|after_(bronze|silver)_commit' || true)
[ -z "$hooks" ] || fail "test hooks in $BIN: $hooks"
switches=$(strings "$BIN" | grep -E 'LAKESTREAM_TEST_|test crash point' || true)
[ -z "$switches" ] || fail "test-only switches in $BIN: $switches"

# Nor as fields of options structs (a std::function member leaves no symbol for nm to find):
# no production source under src/ names a commit hook or crash point; tests reach those windows
# through io::FaultInjectionFileSystem (BeforeNth, AfterNth, FailPaths).
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../src" && pwd)"
HOOK_RE='\b(before|after)_[a-z_]*commit\b|\bcrash_(point|percent)\b'
for sample in "std::function<void(int)> before_commit;" "std::function<Status()> after_bronze_commit;"; do
  echo "$sample" | grep -qE "$HOOK_RE" || fail "the hook pattern does not match: $sample"
done
fields=$(grep -rnE "$HOOK_RE" "$SRC" --include='*.h' --include='*.cc' |
  grep -vE '_test\.cc:|_test_util\.h:' || true)
[ -z "$fields" ] || fail "test hooks in production sources: $fields"

mock=$(nm -C "$STREAM_LIB" | grep -E 'MockCluster|rd_kafka_mock|ClickstreamGenerator|ProduceGenerated' || true)
[ -z "$mock" ] || fail "dev/test machinery in $STREAM_LIB: $(echo "$mock" | head -5)"
gen=$(nm -C "$PIPELINE_LIB" | grep -E 'ClickstreamGenerator' || true)
[ -z "$gen" ] || fail "the generator in $PIPELINE_LIB: $(echo "$gen" | head -5)"

# The checks can fail: the dev library that the binary links explicitly has the mock broker.
DEV_LIB=$(dirname "$STREAM_LIB")/dev/liblakestream_stream_dev.a
if [ -f "$DEV_LIB" ]; then
  n=$(nm -C "$DEV_LIB" | grep -c 'MockCluster' || true)
  [ "$n" -gt 0 ] || fail "the check sees no MockCluster in $DEV_LIB either"
fi
echo "no_test_hooks_test: ok ($BIN, $STREAM_LIB, $PIPELINE_LIB)"
