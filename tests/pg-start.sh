#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the integration suite's postgres configurations (docs/testing.md):
#   tests/pg-start.sh DIR    initdb in DIR/data, start on a free loopback port in 20000-40000 (no TCP outside
#                            loopback, trust auth, fsync off), print the admin connection string for MEDIVAULT_TEST_POSTGRES
#   tests/pg-start.sh --stop DIR
# Run as root it runs the server as the `postgres` user (PostgreSQL refuses to run as root). Used by .ci/run.
set -euo pipefail

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_server() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: tests/pg-start.sh --stop DIR}"
  as_server "'$pg_bin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
  exit 0
fi

dir="${1:?usage: tests/pg-start.sh DIR}"
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
# C collation: text sorts byte by byte, as SQLite's BINARY does.
as_server "'$pg_bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 --locale=C --no-sync" >/dev/null

for _ in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 20000))
  if as_server "'$pg_bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -t 60 -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400\" start" >/dev/null 2>&1; then
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    exit 0
  fi
done
echo "PostgreSQL did not start; see $dir/log" >&2
exit 1
