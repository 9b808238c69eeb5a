#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: Debian's `postgresql` package (installed when missing), a
# cluster made by initdb in a temporary folder, listening on 127.0.0.1 (a free port) and a unix socket in that folder
# only, stopped and deleted when the command ends, also when it fails or is interrupted.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
#
# The command sees SORATRACK_TEST_POSTGRES=postgres://soratrack:PASSWORD@127.0.0.1:PORT (no database name: tests
# create their own databases) and SORATRACK_TEST_POSTGRES_SOCKET=the socket folder.
set -euo pipefail

find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

if ! PGBIN=$(find_bin); then
    echo "==> installing postgresql"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(find_bin)
fi
command -v psql >/dev/null 2>&1 || export PATH="$PGBIN:$PATH"

ROOT=$(mktemp -d /tmp/soratrack-pg.XXXXXX)
chmod 755 "$ROOT"
DATA="$ROOT/data"
PASSWORD="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# initdb and the server refuse to run as root: run them as the postgres user then.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown -R postgres "$ROOT"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

stop() {
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$ROOT"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '%s\n' "$PASSWORD" >"$ROOT/password"
[ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$ROOT" "$ROOT/password"; }
as_owner "$PGBIN/initdb" -D "$DATA" -U soratrack --pwfile="$ROOT/password" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 || { cat "$ROOT/initdb.log"; exit 1; }
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$ROOT'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF
as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start >/dev/null || { cat "$ROOT/server.log"; exit 1; }

export SORATRACK_TEST_POSTGRES="postgres://soratrack:$PASSWORD@127.0.0.1:$PORT"
export SORATRACK_TEST_POSTGRES_SOCKET="$ROOT"
export SORATRACK_TEST_POSTGRES_BIN="$PGBIN"
echo "==> PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (throwaway, in $ROOT)"
"$@"
