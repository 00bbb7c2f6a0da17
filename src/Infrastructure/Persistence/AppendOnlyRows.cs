using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using MediVault.Domain.Audit;
using MediVault.Domain.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// Inserts rows of the two append-only tables, the ledger's entries and the access log, without EF Core's change-tracking
/// save. The group-commit loop saves every request's changes one after the other, and for the commonest request of all,
/// an emergency access, those changes are exactly one access-log row and one ledger entry; SaveChanges spent 17 % of the
/// path's CPU on them (docs/performance.md, "Fourteenth session"). The statement is built from the model (the table, its
/// columns and each column's type mapping with its converter), so a row is stored exactly as SaveChanges would store it,
/// on either provider.
/// </summary>
internal sealed class AppendOnlyRows
{
    private static readonly ConditionalWeakTable<IModel, AppendOnlyRows> ByModel = new();

    private readonly Insert _ledgerBlocks;
    private readonly Insert _accessLogEntries;

    private AppendOnlyRows(IModel model, ISqlGenerationHelper sql)
    {
        _ledgerBlocks = Insert.For(model, typeof(LedgerBlock), sql);
        _accessLogEntries = Insert.For(model, typeof(AccessLogEntry), sql);
    }

    /// <summary>The statements for <paramref name="db"/>'s model (built once per model).</summary>
    public static AppendOnlyRows For(DbContext db) =>
        ByModel.GetValue(db.Model, model => new AppendOnlyRows(model, db.GetService<ISqlGenerationHelper>()));

    /// <summary>Inserts a ledger entry in <paramref name="transaction"/>.</summary>
    public Task InsertAsync(DbConnection connection, DbTransaction transaction, LedgerBlock block, CancellationToken cancellationToken) =>
        _ledgerBlocks.RunAsync(connection, transaction, block, cancellationToken);

    /// <summary>
    /// Saves the changes pending in <paramref name="db"/> in <paramref name="transaction"/> without accepting them (as
    /// <c>SaveChangesAsync(acceptAllChangesOnSuccess: false)</c>). When every tracked entity is a new access-log row, and
    /// so nothing can have been modified, the rows are inserted directly; anything else goes through SaveChanges.
    /// </summary>
    public async Task SaveAsync(DbContext db, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (!OnlyNewAccessLogRows(db.ChangeTracker, out var rows))
        {
            await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var row in rows)
            await _accessLogEntries.RunAsync(connection, transaction, row, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the tracker holds new access-log rows and nothing else. Added entities are known without detecting changes;
    /// an unchanged entity might have been edited, which only change detection would tell, so any other entry means no.
    /// </summary>
    private static bool OnlyNewAccessLogRows(ChangeTracker tracker, out List<AccessLogEntry> rows)
    {
        rows = [];
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry is not { State: EntityState.Added, Entity: AccessLogEntry row })
                    return false;
                rows.Add(row);
            }

            return true;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>One table's <c>INSERT</c>: every mapped column, one parameter each.</summary>
    private sealed class Insert(string sql, (IProperty Property, RelationalTypeMapping Mapping, string Parameter)[] columns)
    {
        public static Insert For(IModel model, Type clrType, ISqlGenerationHelper helper)
        {
            var entityType = model.FindEntityType(clrType)
                ?? throw new InvalidOperationException($"{clrType.Name} is not in the model.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var properties = entityType.GetProperties().ToArray();
            var text = new StringBuilder("INSERT INTO ").Append(helper.DelimitIdentifier(table.Name, table.Schema)).Append(" (");
            text.AppendJoin(", ", properties.Select(p => helper.DelimitIdentifier(p.GetColumnName(table)!)));
            text.Append(") VALUES (");
            text.AppendJoin(", ", properties.Select((_, i) => helper.GenerateParameterNamePlaceholder(Name(i))));
            text.Append(')');
            return new Insert(
                text.ToString(),
                properties.Select((p, i) => (p, (RelationalTypeMapping)p.GetRelationalTypeMapping(), helper.GenerateParameterName(Name(i)))).ToArray());
        }

        private static string Name(int index) => "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public async Task RunAsync(DbConnection connection, DbTransaction transaction, object entity, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (property, mapping, parameter) in columns)
                command.Parameters.Add(mapping.CreateParameter(command, parameter, property.GetGetter().GetClrValue(entity), property.IsNullable));

            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException exception)
            {
                // As SaveChanges reports it, so the busy retry, the 409 for a lost race and the engines' retry strategies
                // see the same exception whichever way the row went in.
                throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", exception);
            }
        }
    }
}
