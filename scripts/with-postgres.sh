#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on 127.0.0.1:54329.
# Installs Debian's postgresql package when missing (needs root, as in CI), starts a private
# cluster in a temporary folder, exports ORETRACE_DATABASE_URL, runs "$@", then stops it.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing postgresql (Debian package)…" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PORT=${ORETRACE_PG_PORT:-54329}
PGDATA=$(mktemp -d /tmp/oretrace-pg.XXXXXX)

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

[ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA"
as_postgres "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
stop() { as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null || true; rm -rf "$PGDATA"; }
trap stop EXIT

export ORETRACE_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/oretrace"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
"$@"
