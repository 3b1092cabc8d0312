# Sourced by tests: starts a throwaway PostgreSQL server from Debian's
# postgresql package (initdb + pg_ctl) in a temp dir on 127.0.0.1 and a free
# port, as a non-root user (the `postgres` account when run as root), and
# stops it (pg_ctl stop, then by PID) from pg_fixture_stop. Sets PG_URL.
pg_fixture_start() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "pg fixture: PostgreSQL server binaries not found (Debian package postgresql)" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/ls_pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  PG_AS=("${as[@]}")
  PG_BIN="$bindir"
  "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U lake --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 \
    -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off" start >/dev/null ||
    { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U lake lakestream
  PG_URL="postgresql://lake@127.0.0.1:$PG_PORT/lakestream"
}

pg_fixture_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      { [ -n "${PG_PID:-}" ] && kill "$PG_PID" 2>/dev/null; }
    rm -rf "$PG_DIR"
  fi
}
