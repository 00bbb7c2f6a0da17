using System.Data.Common;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity.SharedState;

/// <summary>
/// How an instance learns the revocations made by the others (issue 13). Before it trusts anything remembered in
/// <see cref="AuthorizationStateCache"/>, a request reads the one-row <see cref="RevocationClock"/> (a primary-key read);
/// when it moved, the new <see cref="RevocationSignal"/> rows are read and each one forgets what it names, exactly as
/// the instance that made the revocation did. So a logout, a revoked app or grant, a password change or a lockout on
/// one instance is refused by every other at its very next request, while a request with nothing new to learn costs
/// one small read.
/// </summary>
public sealed class RevocationFeed(AuthorizationStateCache checkedTokens, IMemoryCache cache)
{
    /// <summary>Signals older than this many epochs are deleted; an instance further behind forgets everything instead.</summary>
    public const long Kept = 4096;

    internal const string ReadClock = """SELECT "Epoch" FROM "RevocationClock" WHERE "Id" = 1""";
    private const string ReadSignals = """SELECT "Epoch", "Kind", "Value" FROM "RevocationSignals" WHERE "Epoch" > @seen ORDER BY "Epoch" """;

    private readonly Lock gate = new();

    /// <summary>The last epoch applied here; -1 until the first read (then everything remembered before is dropped).</summary>
    private long seen = -1;

    public long Seen => Interlocked.Read(ref seen);

    /// <summary>Applies every revocation made since the last call, on any instance. Uses (and leaves as it was) the context's connection.</summary>
    public async Task CatchUpAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var database = db.Database;
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = database.GetDbConnection();
            var transaction = database.CurrentTransaction?.GetDbTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = ReadClock;
            var epoch = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            var known = Seen;
            if (epoch == known)
                return;
            if (known < 0)
            {
                Apply(epoch, []);
                return;
            }

            command.CommandText = ReadSignals;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@seen";
            parameter.Value = known;
            command.Parameters.Add(parameter);
            var signals = new List<(long Epoch, RevocationKind Kind, string? Value)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    signals.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                        (RevocationKind)Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                        await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetString(2)));
                }
            }
            Apply(epoch, signals);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>Forgets, on this instance, what one signal names (also used by the instance that writes it).</summary>
    internal void Forget(RevocationKind kind, string? value)
    {
        switch (kind)
        {
            case RevocationKind.Session when value is not null:
                checkedTokens.SessionChanged(value);
                break;
            case RevocationKind.Token when value is not null:
                checkedTokens.TokenChanged(value);
                break;
            case RevocationKind.Subject when value is not null:
                checkedTokens.SubjectChanged(value);
                break;
            case RevocationKind.Account when Guid.TryParse(value, out var userId):
                AccountService.Forget(cache, userId);
                UserDirectory.Forget(cache, userId);
                break;
            default:
                checkedTokens.Clear();
                break;
        }
    }

    private void Apply(long epoch, List<(long Epoch, RevocationKind Kind, string? Value)> signals)
    {
        lock (gate)
        {
            if (epoch <= seen)
                return;
            // Nothing applied yet, or signals deleted before this instance read them: forget everything instead.
            if (seen < 0 || signals.Count == 0 || signals[0].Epoch > seen + 1)
            {
                checkedTokens.Clear();
                if (cache is MemoryCache memory)
                    memory.Compact(1.0);
            }
            else
            {
                foreach (var signal in signals)
                {
                    if (signal.Epoch > seen)
                        Forget(signal.Kind, signal.Value);
                }
            }
            Volatile.Write(ref seen, epoch);
        }
    }
}
