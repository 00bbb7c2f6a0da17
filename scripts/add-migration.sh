#!/usr/bin/env bash
# Adds one schema change to both migration sets, generated from the one model (docs/storage.md, "Schema changes"):
#   scripts/add-migration.sh I42Something                  SQLite (Persistence/Migrations) and PostgreSQL (…/Postgres)
#   scripts/add-migration.sh I42Something --postgres-only  only PostgreSQL's, e.g. after merging a branch that added
#                                                          the SQLite migration alone
# Then `scripts/add-migration.sh --check` must say both contexts have no pending model changes.
set -euo pipefail
cd "$(dirname "$0")/.."

ef() { dotnet tool run dotnet-ef "$@" --project src/Infrastructure --startup-project src/WebApi; }
dotnet tool restore >/dev/null

name="${1:?usage: scripts/add-migration.sh <Name> [--postgres-only] | --check}"
if [ "$name" = "--check" ]; then
  ef migrations has-pending-model-changes --context AppDbContext
  ef migrations has-pending-model-changes --context PostgresAppDbContext --no-build
  exit 0
fi

if [ "${2:-}" = "--postgres-only" ]; then
  ef migrations add "$name" --context PostgresAppDbContext --output-dir Persistence/Migrations/Postgres
else
  ef migrations add "$name" --context AppDbContext --output-dir Persistence/Migrations
  # The model is the same assembly as for the first: no second build.
  ef migrations add "$name" --context PostgresAppDbContext --output-dir Persistence/Migrations/Postgres --no-build
fi
