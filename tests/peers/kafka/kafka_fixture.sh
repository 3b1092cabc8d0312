# Sourced by tests and benchmarks: a throwaway Apache Kafka cluster (KRaft, no ZooKeeper)
# from the jars `./run deps` copied into tests/peers/kafka/lib (pinned in pom.xml).
# Every node is a combined broker + controller on 127.0.0.1 with free ports; each runs
# in its own JVM, started and stopped by PID.
#
#   kafka_fixture_start [NODES]      start NODES (default 1) nodes, wait until the cluster
#                                    answers; sets KAFKA_DIR, KAFKA_BOOTSTRAP, KAFKA_NODES
#   kafka_fixture_kill ID            SIGKILL node ID (1..NODES); its data stays
#   kafka_fixture_restart ID         start node ID again on its old ports and data
#   kafka_fixture_stop               stop every node (SIGTERM, then SIGKILL), remove KAFKA_DIR
#   kafka_fixture_use                the broker ctest shares between "kafka" tests when
#                                    LAKESTREAM_KAFKA_STATE names its state file (tests/
#                                    kafka_broker_fixture.sh), else kafka_fixture_start 1;
#                                    sets KAFKA_BOOTSTRAP (and KAFKA_SHARED=1 when shared)
#   kafka_fixture_release            kafka_fixture_stop, unless the broker is the shared one
#   kafka_topics ARGS...             kafka-topics against the cluster (--bootstrap-server set)
#   kafka_groups ARGS...             kafka-consumer-groups against the cluster
#
# KAFKA_EXTRA_PROPS (optional, newline-separated key=value) is appended to every node's
# server.properties, e.g. "min.insync.replicas=2". KAFKA_EXTRA_LISTENER (optional, one node
# only), e.g. "SASL_SSL://localhost:9093", adds a client listener named EXTERNAL with that
# protocol; its settings (listener.name.external.*) go in KAFKA_EXTRA_PROPS. KAFKA_HEAP (default 512m) sizes each JVM.
# With 3 or more nodes, internal topics are replicated 3 ways.

KAFKA_PEER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_LIB="$KAFKA_PEER_DIR/lib"

kafka__free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

kafka__java() {
  java -Dlog4j2.configurationFile="$KAFKA_PEER_DIR/log4j2.properties" -cp "$KAFKA_LIB/*" "$@"
}

kafka__write_props() {
  local id=$1 voters=$2 rf=$3
  local port ctl
  port=$(cat "$KAFKA_DIR/node$id/port")
  ctl=$(cat "$KAFKA_DIR/node$id/controller_port")
  local extra="" extra_map=""
  if [ -n "${KAFKA_EXTRA_LISTENER:-}" ]; then
    extra=",EXTERNAL://${KAFKA_EXTRA_LISTENER#*://}"
    extra_map=",EXTERNAL:${KAFKA_EXTRA_LISTENER%%://*}"
  fi
  cat > "$KAFKA_DIR/node$id/server.properties" <<EOF
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl$extra
advertised.listeners=PLAINTEXT://127.0.0.1:$port$extra
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT$extra_map
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/node$id/data
num.partitions=1
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
EOF
  if [ -n "${KAFKA_EXTRA_PROPS:-}" ]; then printf '%s\n' "$KAFKA_EXTRA_PROPS" >> "$KAFKA_DIR/node$id/server.properties"; fi
}

kafka__launch() {
  local id=$1
  # setsid: the node survives the test's process-group signals; it is stopped by PID.
  setsid java -Xmx"${KAFKA_HEAP:-512m}" -Xms128m -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$KAFKA_PEER_DIR/log4j2.properties" \
    -Dkafka.logs.dir="$KAFKA_DIR/node$id" \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/node$id/server.properties" \
    > "$KAFKA_DIR/node$id/server.log" 2>&1 < /dev/null &
  echo $! > "$KAFKA_DIR/node$id/pid"
  disown $! 2>/dev/null || true
}

# Waits until every node's broker port accepts connections and the cluster lists topics.
kafka__wait_ready() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-120}))
  local id
  for id in "$@"; do
    while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" \
        "$(cat "$KAFKA_DIR/node$id/port")" 2>/dev/null; do
      if ! kill -0 "$(cat "$KAFKA_DIR/node$id/pid")" 2>/dev/null; then
        echo "kafka fixture: node $id exited during start-up:" >&2
        tail -n 30 "$KAFKA_DIR/node$id/server.log" >&2
        return 1
      fi
      if [ $SECONDS -ge $deadline ]; then
        echo "kafka fixture: node $id did not open its port in time" >&2
        tail -n 30 "$KAFKA_DIR/node$id/server.log" >&2
        return 1
      fi
      sleep 0.2
    done
  done
  while ! kafka_topics --list >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "kafka fixture: cluster at $KAFKA_BOOTSTRAP does not answer" >&2
      return 1
    fi
    sleep 0.5
  done
}

kafka_fixture_start() {
  local n=${1:-1}
  if [ ! -f "$KAFKA_LIB/kafka_2.13-$(kafka__version).jar" ]; then
    echo "kafka fixture: no Kafka jars in $KAFKA_LIB (run ./run deps)" >&2
    return 1
  fi
  command -v java >/dev/null || { echo "kafka fixture: java not found (run ./run deps)" >&2; return 1; }
  KAFKA_DIR=$(mktemp -d /tmp/ls_kafka.XXXXXX)
  KAFKA_NODES=$n
  local id voters="" bootstrap="" rf=1
  [ "$n" -ge 3 ] && rf=3
  for id in $(seq 1 "$n"); do
    mkdir -p "$KAFKA_DIR/node$id"
    kafka__free_port > "$KAFKA_DIR/node$id/port"
    kafka__free_port > "$KAFKA_DIR/node$id/controller_port"
    voters+="${voters:+,}$id@127.0.0.1:$(cat "$KAFKA_DIR/node$id/controller_port")"
    bootstrap+="${bootstrap:+,}127.0.0.1:$(cat "$KAFKA_DIR/node$id/port")"
  done
  KAFKA_BOOTSTRAP=$bootstrap
  local cluster_id
  cluster_id=$(kafka__java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
  for id in $(seq 1 "$n"); do
    kafka__write_props "$id" "$voters" "$rf"
    kafka__java kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$KAFKA_DIR/node$id/server.properties" > "$KAFKA_DIR/node$id/format.log" 2>&1 ||
      { cat "$KAFKA_DIR/node$id/format.log" >&2; return 1; }
  done
  for id in $(seq 1 "$n"); do kafka__launch "$id"; done
  kafka__wait_ready $(seq 1 "$n")
}

kafka__version() {
  sed -n 's|.*<kafka.version>\(.*\)</kafka.version>.*|\1|p' "$KAFKA_PEER_DIR/pom.xml"
}

kafka_fixture_kill() {
  local pid
  pid=$(cat "$KAFKA_DIR/node$1/pid")
  kill -9 "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

kafka_fixture_restart() {
  kafka__launch "$1"
  kafka__wait_ready "$1"
}

kafka_fixture_stop() {
  [ -n "${KAFKA_DIR:-}" ] && [ -d "$KAFKA_DIR" ] || return 0
  local f pid
  for f in "$KAFKA_DIR"/node*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  for f in "$KAFKA_DIR"/node*/pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$KAFKA_DIR"
  KAFKA_DIR=""
}

kafka_fixture_use() {
  KAFKA_SHARED=0
  if [ -n "${LAKESTREAM_KAFKA_STATE:-}" ]; then
    if [ ! -f "$LAKESTREAM_KAFKA_STATE" ]; then
      echo "kafka fixture: LAKESTREAM_KAFKA_STATE=$LAKESTREAM_KAFKA_STATE does not exist" \
        "(did the kafka_broker_start fixture fail?)" >&2
      return 1
    fi
    KAFKA_BOOTSTRAP=$(sed -n 's/^KAFKA_BOOTSTRAP=//p' "$LAKESTREAM_KAFKA_STATE")
    KAFKA_NODES=1
    KAFKA_SHARED=1
    [ -n "$KAFKA_BOOTSTRAP" ] || { echo "kafka fixture: no KAFKA_BOOTSTRAP in $LAKESTREAM_KAFKA_STATE" >&2; return 1; }
    return 0
  fi
  kafka_fixture_start 1
}

kafka_fixture_release() {
  [ "${KAFKA_SHARED:-0}" = 1 ] && return 0
  kafka_fixture_stop
}

kafka_topics() {
  kafka__java org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" "$@"
}

kafka_groups() {
  kafka__java org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$KAFKA_BOOTSTRAP" "$@"
}
