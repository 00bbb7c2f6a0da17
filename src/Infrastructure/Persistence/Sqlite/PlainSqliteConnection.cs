using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// EF Core's SQLite connection without EF Core's SQL functions (decisions.md §148). EF Core registers a dozen functions
/// and a collation on every connection it creates (<c>regexp</c> and the <c>ef_*</c> decimal helpers); Microsoft.Data.Sqlite
/// then binds each of them to the pooled SQLite handle at every open and unbinds it at every close. That was 9 % of the
/// CPU of a request reading the emergency profile. The functions serve only decimal arithmetic and ordering and
/// <c>Regex.IsMatch</c> in queries: the model has no decimal (<c>PlainSqliteConnectionTests</c>) and no query matches a
/// regular expression, so a query that needed one would fail with "no such function" rather than answer wrongly.
/// The connection's timeout is set as EF Core sets it; spatial data (SpatiaLite) is not used.
/// </summary>
#pragma warning disable EF1001 // EF Core's SQLite connection service is internal API: a new EF Core version may change its constructor.
internal sealed class PlainSqliteConnection(
    RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder, IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(GetValidatedConnectionString());
        if (CommandTimeout is { } seconds)
            connection.DefaultTimeout = seconds;
        return connection;
    }
}
#pragma warning restore EF1001
