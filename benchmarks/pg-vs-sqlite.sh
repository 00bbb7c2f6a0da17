#!/usr/bin/env bash
# pg-vs-sqlite.sh PUBLISH_DIR -- the serving paths of benchmarks/serve.sh on both configurations, in one run (issue 13).
#
# Runs serve.sh three times back to back on the same Release publish: SQLite (the embedded default), then PostgreSQL
# (+ S3 when S3 is set), then SQLite again, so a change in the machine's load between the runs shows. Each PostgreSQL
# run gets a fresh database on the server PG_ADMIN (an admin connection string, e.g. the one tests/pg-start.sh prints)
# and its own generated secrets, which PostgreSQL requires (docs/deployment.md).
#
# Env: PG_ADMIN (required), S3 (optional: an S3-compatible service URL; a fresh bucket is made with an unsigned PUT,
#      which s3rver accepts), PATHS (default "files_list auth_me"), and serve.sh's WRK_* settings.
# Needs: what serve.sh needs, plus psql and openssl.
#   tests/pg-start.sh /tmp/pg > /tmp/pg.conn; dotnet publish src/WebApi -c Release -o /tmp/mv-pub
#   PG_ADMIN="$(cat /tmp/pg.conn)" bash benchmarks/pg-vs-sqlite.sh /tmp/mv-pub
set -uo pipefail
PUB=${1:?publish dir holding MediVault.WebApi.dll}
ADMIN=${PG_ADMIN:?PG_ADMIN: an admin connection string of a PostgreSQL server}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export PATHS=${PATHS:-"files_list auth_me"}

# Host=…;Port=…;Username=…;Database=… → psql's connection URI
field() { tr ';' '\n' <<<"$ADMIN" | sed -n "s/^$1=//Ip" | head -n1; }
PGHOST=$(field Host); PGPORT=$(field Port); PGUSER=$(field Username)
psql_admin() { psql -h "$PGHOST" -p "${PGPORT:-5432}" -U "$PGUSER" -d postgres -qAt -c "$1"; }

DATABASES=()
cleanup() { for d in "${DATABASES[@]}"; do psql_admin "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1; done; }
trap cleanup EXIT

rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -outform DER 2>/dev/null | base64 -w0; }

# CPU seconds of the local PostgreSQL server's processes, the finished ones included (the postmaster's children's
# times); empty when the server is not on this machine. Printed after each PostgreSQL run: that server shares the cores.
pg_cpu_ticks() {
  local pm t=0
  pm=$(pgrep -u postgres -o postgres 2>/dev/null) || return 0
  t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat" 2>/dev/null) || return 0
  for p in $(pgrep -u postgres -P "$pm" 2>/dev/null); do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}

run_sqlite() { echo "== SQLite + local folder $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)"; bash "$HERE/serve.sh" "$PUB"; }

run_postgres() {
  local db="mv_bench_$RANDOM$RANDOM" storage=""
  DATABASES+=("$db")
  psql_admin "CREATE DATABASE \"$db\"" || { echo "cannot create database $db"; return 1; }
  if [ -n "${S3:-}" ]; then
    local bucket="mv-bench-$RANDOM$RANDOM"
    curl -sf -X PUT "$S3/$bucket" >/dev/null || { echo "could not create bucket $bucket at $S3"; return 1; }
    storage="MediVault__Storage__Provider=s3 MediVault__Storage__S3__ServiceUrl=$S3 MediVault__Storage__S3__Bucket=$bucket MediVault__Storage__S3__AccessKey=S3RVER MediVault__Storage__S3__SecretKey=S3RVER"
  fi
  echo "== PostgreSQL${S3:+ + S3} $(date -u +%FT%TZ) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  local before; before=$(pg_cpu_ticks)
  EXTRA_ENV="MediVault__Database__Provider=postgres ConnectionStrings__MediVault=Host=$PGHOST;Port=${PGPORT:-5432};Username=$PGUSER;Database=$db
    MediVault__MasterKey=$(openssl rand -base64 32) MediVault__Ledger__SigningKey=$(openssl rand -base64 32)
    MediVault__Tokens__SigningKey=$(rsa) MediVault__Tokens__EncryptionKey=$(rsa) $storage ${EXTRA_ENV:-}" bash "$HERE/serve.sh" "$PUB"
  local after; after=$(pg_cpu_ticks)
  [ -n "$before" ] && [ -n "$after" ] && echo "postgres_server_cpu_s  $(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') (the whole run: start-up, seeding and every path)"
}

run_sqlite
run_postgres
run_sqlite
