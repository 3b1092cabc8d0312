# tests/lib.sh: what the shell tests in tests/ share. Source it, then call lib_init:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   lib_init serve_readyz_test          # TMP, the EXIT trap, log/fail prefixes
#
#   log MSG...               "[NAME hh:mm:ss] MSG" on stderr
#   fail MSG...              logs FAIL: MSG, prints the tails of the show_on_fail logs, exits 1
#   show_on_fail FILE...     logs whose tails fail prints
#   at_exit CMD...           a cleanup command; they run at exit, last registered first
#   start_bg LOG CMD...      runs CMD in the background (stdout and stderr to LOG), stopped at
#                            exit; sets BG_PID
#   stop_pid PID [SIGNAL]    sends SIGNAL (default TERM), waits for the exit (SIGKILL after 30 s);
#                            sets STOP_RC to its exit status
#   stop_group PID           the same for the process group PID leads (started with setsid: a
#                            driver and its children, e.g. Spark's JVM under Python)
#   wait_port_file FILE PID [SECONDS]
#                            waits until the server PID has written the port it bound to FILE
#                            (servers started with --port-file / PORT_FILE listen on port 0, so
#                            no free port is guessed and raced for); sets PORT. Fails when PID
#                            exits first or after SECONDS (default 120).
#   wait_until SECONDS WHAT CMD...
#                            a latch: polls CMD until it succeeds; fails naming WHAT after SECONDS.
#                            Use it to wait for an observable event, never sleep for one.
#   http_code URL [CURL_ARGS...]   the HTTP status of a request ("000" when nothing answered)
#
# Everything started through start_bg is stopped by PID, never by name. KEEP_WORK=1 keeps TMP.
# Thread-safety: n/a (one shell). Ownership: TMP and the background processes belong to the test.

LIB_NAME=test
LIB_CLEANUP=()
LIB_LOGS=()
LIB_PIDS=()

lib_init() {
  LIB_NAME="${1:?lib_init NAME}"
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/lakestream-$LIB_NAME.XXXXXX")"
  trap lib_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

log() { printf '[%s %s] %s\n' "$LIB_NAME" "$(date +%T)" "$*" >&2; }

fail() {
  log "FAIL: $*"
  local f
  for f in "${LIB_LOGS[@]}"; do
    [ -f "$f" ] || continue
    printf -- '--- last lines of %s\n' "$f" >&2
    tail -n 20 "$f" >&2
  done
  exit 1
}

show_on_fail() { LIB_LOGS+=("$@"); }

at_exit() { LIB_CLEANUP+=("$*"); }

start_bg() {
  local out="${1:?start_bg LOG CMD...}"
  shift
  "$@" > "$out" 2>&1 &
  BG_PID=$!
  LIB_PIDS+=("$BG_PID")
  show_on_fail "$out"
}

stop_pid() {
  local pid="${1:?stop_pid PID}" sig="${2:-TERM}" i
  STOP_RC=0
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || STOP_RC=$?; return 0; }
  kill -s "$sig" "$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || STOP_RC=$?
  return 0
}

stop_group() {
  local pid="${1:?stop_group PID}" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

wait_port_file() {
  local file="${1:?wait_port_file FILE PID}" pid="${2:?wait_port_file FILE PID}"
  local deadline=$((SECONDS + ${3:-120}))
  PORT=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -s "$file" ]; then
      PORT="$(head -n 1 "$file")"
      [[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -gt 0 ] && return 0
      fail "port file $file holds '$PORT', not a port"
    fi
    kill -0 "$pid" 2>/dev/null || fail "the server (pid $pid) exited before writing $file"
    sleep 0.05
  done
  fail "the server (pid $pid) wrote no port to $file in ${3:-120} s"
}

wait_until() {
  local secs="${1:?wait_until SECONDS WHAT CMD...}" what="${2:?wait_until SECONDS WHAT CMD...}"
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${secs} s waiting for $what"
    sleep 0.1
  done
}

http_code() {
  local url="${1:?http_code URL}"
  shift
  curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true
}

lib_exit() {
  local rc=$? i pid
  trap - EXIT
  for ((i = ${#LIB_CLEANUP[@]} - 1; i >= 0; i--)); do eval "${LIB_CLEANUP[$i]}" || true; done
  for pid in "${LIB_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && stop_pid "$pid"; done
  if [ -n "${TMP:-}" ] && [ -d "$TMP" ]; then
    if [ "${KEEP_WORK:-0}" = 1 ] || { [ "$rc" != 0 ] && [ "${KEEP_WORK_ON_FAIL:-0}" = 1 ]; }; then
      log "work dir kept: $TMP"
    else
      rm -rf "$TMP"
    fi
  fi
  exit "$rc"
}
