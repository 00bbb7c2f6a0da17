using System.Data.Common;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MediVault.Infrastructure.Identity.SharedState;

/// <summary>
/// Reports a change to sessions, tokens or an account: forgets it on this instance at once, and writes a
/// <see cref="RevocationSignal"/> that every other instance applies at its next request (<see cref="RevocationFeed"/>).
/// The signal is numbered by incrementing <see cref="RevocationClock"/> in the same transaction, so a row lock (or
/// SQLite's single writer) orders the signals: an instance that reads epoch <c>n</c> can already read every signal up to it.
/// </summary>
public sealed class SharedRevocations(AppDbContext db, RevocationFeed feed, TimeProvider clock) : IAuthorizationStateCache
{
    private const string Tick = """UPDATE "RevocationClock" SET "Epoch" = "Epoch" + 1 WHERE "Id" = 1 RETURNING "Epoch" """;
    private const string Insert = """
        INSERT INTO "RevocationSignals" ("Epoch", "Kind", "Value", "AtUnixSeconds") VALUES (@epoch, @kind, @value, @at)
        """;
    private const string Prune = """DELETE FROM "RevocationSignals" WHERE "Epoch" <= @epoch""";

    public Task SessionChangedAsync(string sessionId, CancellationToken cancellationToken) =>
        PublishAsync(RevocationKind.Session, sessionId);

    public Task TokenChangedAsync(string tokenId, CancellationToken cancellationToken) =>
        PublishAsync(RevocationKind.Token, tokenId);

    public Task SubjectChangedAsync(string subject, CancellationToken cancellationToken) =>
        PublishAsync(RevocationKind.Subject, subject);

    public Task ClearAsync(CancellationToken cancellationToken) => PublishAsync(RevocationKind.Everything, null);

    /// <summary>An account's profile changed (name, two-factor state): every instance reads it again.</summary>
    public Task AccountChangedAsync(Guid userId) =>
        PublishAsync(RevocationKind.Account, userId.ToString("D"));

    /// <summary>
    /// Not cancellable: the change it reports has already been made, so the signal is written even when the request
    /// that made it is being aborted (else the other instances would trust what was revoked until their cache expires).
    /// </summary>
    private async Task PublishAsync(RevocationKind kind, string? value)
    {
        feed.Forget(kind, value);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            if (db.Database.CurrentTransaction is { } current)
            {
                await WriteAsync(current.GetDbTransaction(), kind, value, ct);
                return;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await WriteAsync(transaction.GetDbTransaction(), kind, value, ct);
            await transaction.CommitAsync(ct);
        }, CancellationToken.None);
    }

    private async Task WriteAsync(DbTransaction transaction, RevocationKind kind, string? value, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Tick;
        var epoch = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        command.CommandText = Insert;
        Add(command, "@epoch", epoch);
        Add(command, "@kind", (int)kind);
        Add(command, "@value", (object?)value ?? DBNull.Value);
        Add(command, "@at", clock.GetUtcNow().ToUnixTimeSeconds());
        await command.ExecuteNonQueryAsync(cancellationToken);

        if (epoch % 256 == 0)
        {
            command.Parameters.Clear();
            command.CommandText = Prune;
            Add(command, "@epoch", epoch - RevocationFeed.Kept);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
