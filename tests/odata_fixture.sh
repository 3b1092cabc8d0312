# Sourced by the OData tests: starts the SAP CAP fixture (tests/odata_server) on
# 127.0.0.1 and a free port, and stops it by PID (the caller's EXIT trap calls
# odata_fixture_stop). Sets ODATA_PORT and ODATA_PID.
ODATA_SERVER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/odata_server" && pwd)"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# odata_fixture_start LOGFILE [ROWS]
odata_fixture_start() {
  local log="$1" rows="${2:-3000}"
  if [ ! -d "$ODATA_SERVER_DIR/node_modules" ]; then
    echo "odata fixture: $ODATA_SERVER_DIR/node_modules missing (run ./run deps)" >&2
    return 1
  fi
  ODATA_PORT=$(free_port)
  (cd "$ODATA_SERVER_DIR" && PORT=$ODATA_PORT ROWS=$rows exec node server.js) >"$log" 2>&1 &
  ODATA_PID=$!
  local i
  for i in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$ODATA_PORT/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$ODATA_PID" 2>/dev/null; then
      echo "odata fixture died:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "odata fixture did not come up in 120 s" >&2; cat "$log" >&2
  return 1
}

odata_fixture_stop() {
  if [ -n "${ODATA_PID:-}" ] && kill -0 "$ODATA_PID" 2>/dev/null; then
    kill "$ODATA_PID" 2>/dev/null || true
    wait "$ODATA_PID" 2>/dev/null || true
  fi
}
