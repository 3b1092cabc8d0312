#!/usr/bin/env bash
# One Apache Kafka broker shared by the ctest tests labelled "kafka" (the FIXTURES_SETUP /
# FIXTURES_CLEANUP pair kafka_broker_start / kafka_broker_stop in tests/CMakeLists.txt), so a
# test binary with many cases starts no JVM of its own.
#
#   kafka_broker_fixture.sh start STATE_FILE   start a 1-node cluster (tests/peers/kafka/
#                                              kafka_fixture.sh) and write KAFKA_BOOTSTRAP=...
#                                              and KAFKA_DIR=... lines to STATE_FILE
#   kafka_broker_fixture.sh stop STATE_FILE    stop that broker (by PID) and remove STATE_FILE
#
# Tests find the broker through LAKESTREAM_KAFKA_STATE=STATE_FILE (set by ctest); each uses
# its own topics and consumer groups. A broker left by a crashed run is stopped first.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=peers/kafka/kafka_fixture.sh
source "$HERE/peers/kafka/kafka_fixture.sh"
cmd="${1:?start or stop}"
state="${2:?state file}"

stop_from_state() {
  [ -f "$state" ] || return 0
  KAFKA_DIR=$(sed -n 's/^KAFKA_DIR=//p' "$state")
  kafka_fixture_stop
  rm -f "$state"
}

case "$cmd" in
  start)
    stop_from_state
    kafka_fixture_start 1
    printf 'KAFKA_BOOTSTRAP=%s\nKAFKA_DIR=%s\n' "$KAFKA_BOOTSTRAP" "$KAFKA_DIR" > "$state.tmp"
    mv "$state.tmp" "$state"
    echo "kafka broker at $KAFKA_BOOTSTRAP (pid $(cat "$KAFKA_DIR/node1/pid")), state in $state"
    ;;
  stop)
    stop_from_state
    echo "kafka broker stopped"
    ;;
  *)
    echo "usage: kafka_broker_fixture.sh start|stop STATE_FILE" >&2
    exit 2
    ;;
esac
