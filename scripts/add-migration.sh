#!/usr/bin/env bash
# Adds one schema change to both migration sets, generated from the one model (docs/storage.md, "Schema changes"):
#   scripts/add-migration.sh I42Something                  SQLite (Persistence/Migrations) and PostgreSQL (…/Postgres)
#   scripts/add-migration.sh I42Something --postgres-only  only PostgreSQL's, e.g. after merging a branch that added
#                                                          the SQLite migration alone
#   scripts/add-migration.sh --compiled-models             only regenerate the compiled models (after a model change
#                                                          that needs no migration)
# Each run also regenerates both compiled models (Persistence/CompiledModels, decisions.md §151), which the app runs on.
# Then `scripts/add-migration.sh --check` must say both contexts have no pending model changes; CompiledModelTests and
# MigrationSetTests (dotnet test) compare both models and both migration sets with the model OnModelCreating builds.
set -euo pipefail
cd "$(dirname "$0")/.."

ef() { dotnet tool run dotnet-ef "$@" --project src/Infrastructure --startup-project src/WebApi; }
dotnet tool restore >/dev/null

# The generated models are named explicitly by each engine (DatabaseProvider.CompiledModel), never found by EF Core
# through an assembly attribute, which would apply the SQLite one to any AppDbContext whatever its engine.
compiled_models() {
  ef dbcontext optimize --context AppDbContext --output-dir Persistence/CompiledModels/Sqlite \
    --namespace MediVault.Infrastructure.Persistence.CompiledModels.Sqlite "$@"
  ef dbcontext optimize --context PostgresAppDbContext --output-dir Persistence/CompiledModels/Postgres \
    --namespace MediVault.Infrastructure.Persistence.CompiledModels.Postgres --no-build
  rm -f src/Infrastructure/Persistence/CompiledModels/*/*AssemblyAttributes.cs
}

name="${1:?usage: scripts/add-migration.sh <Name> [--postgres-only] | --compiled-models | --check}"
if [ "$name" = "--check" ]; then
  ef migrations has-pending-model-changes --context AppDbContext
  ef migrations has-pending-model-changes --context PostgresAppDbContext --no-build
  exit 0
fi

if [ "$name" = "--compiled-models" ]; then
  compiled_models
  exit 0
fi

if [ "${2:-}" = "--postgres-only" ]; then
  ef migrations add "$name" --context PostgresAppDbContext --output-dir Persistence/Migrations/Postgres
else
  ef migrations add "$name" --context AppDbContext --output-dir Persistence/Migrations
  # The model is the same assembly as for the first: no second build.
  ef migrations add "$name" --context PostgresAppDbContext --output-dir Persistence/Migrations/Postgres --no-build
fi
compiled_models --no-build
