# Sourced by the OData tests after tests/lib.sh and lib_init: starts the SAP CAP fixture
# (tests/odata_server) on 127.0.0.1, on a port it binds itself and writes to a port file (no
# free-port guessing), and stops it by PID (odata_fixture_stop, or lib.sh at exit). Sets
# ODATA_PORT and ODATA_PID.
ODATA_SERVER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/odata_server" && pwd)"

# odata_fixture_start LOGFILE [ROWS]
odata_fixture_start() {
  local log="$1" rows="${2:-3000}"
  [ -d "$ODATA_SERVER_DIR/node_modules" ] ||
    fail "odata fixture: $ODATA_SERVER_DIR/node_modules missing (run ./run deps)"
  local port_file="$log.port"
  rm -f "$port_file"
  start_bg "$log" env -C "$ODATA_SERVER_DIR" PORT=0 PORT_FILE="$port_file" ROWS="$rows" node server.js
  ODATA_PID=$BG_PID
  wait_port_file "$port_file" "$ODATA_PID" 120
  ODATA_PORT=$PORT
}

# odata_proxy_start LOGFILE FAULTS: tests/odata_server/fault_proxy.js in front of the fixture.
# Sets PROXY_PORT and PROXY_PID.
odata_proxy_start() {
  local log="$1" faults="$2" port_file="$1.port"
  rm -f "$port_file"
  start_bg "$log" env -C "$ODATA_SERVER_DIR" PORT=0 PORT_FILE="$port_file" \
    TARGET="http://127.0.0.1:$ODATA_PORT" FAULTS="$faults" node fault_proxy.js
  PROXY_PID=$BG_PID
  wait_port_file "$port_file" "$PROXY_PID" 60
  PROXY_PORT=$PORT
}

odata_fixture_stop() {
  [ -n "${ODATA_PID:-}" ] && stop_pid "$ODATA_PID"
  return 0
}
