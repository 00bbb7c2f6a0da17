using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MediVault.UnitTests.TestSupport;

/// <summary>The text of every query a context sends (readers and scalars), in order: add it with <c>NewContext(log)</c>.</summary>
internal sealed class CommandLog : DbCommandInterceptor
{
    private readonly List<string> _sent = [];

    public IReadOnlyList<string> Sent => _sent;

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        _sent.Add(command.CommandText);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        _sent.Add(command.CommandText);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }
}
