# Sourced by tests after tests/lib.sh and lib_init: starts a throwaway PostgreSQL server from
# Debian's postgresql package (initdb + pg_ctl) in a temp dir, as a non-root user (the
# `postgres` account when run as root), listening on a Unix socket in that dir only (no TCP
# port, so nothing to guess or race for under parallel ctest), and stops it at exit
# (pg_ctl stop, then by PID). Sets PG_URL (postgresql://lake@/lakestream?host=DIR).
pg_fixture_start() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    fail "pg fixture: PostgreSQL server binaries not found (Debian package postgresql)"
  fi
  PG_DIR=$(mktemp -d /tmp/ls_pg.XXXXXX)
  at_exit pg_fixture_stop
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  PG_AS=("${as[@]}")
  PG_BIN="$bindir"
  "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U lake --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
    fail "pg fixture: initdb: $(tail -n 5 "$PG_DIR/initdb.log")"
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 \
    -o "-c listen_addresses= -k $PG_DIR -c fsync=off" start >/dev/null ||
    fail "pg fixture: pg_ctl start: $(tail -n 5 "$PG_DIR/server.log")"
  PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  "$bindir/createdb" -h "$PG_DIR" -U lake lakestream || fail "pg fixture: createdb"
  PG_URL="postgresql://lake@/lakestream?host=$PG_DIR"
}

pg_fixture_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      { [ -n "${PG_PID:-}" ] && kill "$PG_PID" 2>/dev/null; }
    rm -rf "$PG_DIR"
  fi
  return 0
}
