using Microsoft.EntityFrameworkCore;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// The context the app runs on PostgreSQL: <see cref="AppDbContext"/>'s model plus the two transparency-log tables
/// (<see cref="PostgresSchema"/>), with its own migration set in Persistence/Migrations/Postgres. A model change is
/// added to both sets: scripts/add-migration.sh (docs/storage.md, "Schema changes").
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        PostgresSchema.AddTransparencyLogTables(builder);
    }
}
