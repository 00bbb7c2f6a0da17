using System.Data.Common;
using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.Caching.Memory;

namespace MediVault.Infrastructure.Identity.SharedState;

/// <summary>
/// How an instance learns the revocations made by the others (issue 13). Before it trusts anything remembered in
/// <see cref="AuthorizationStateCache"/>, a request reads the one-row <see cref="RevocationClock"/> (a primary-key read);
/// when it moved, the new <see cref="RevocationSignal"/> rows are read and each one forgets what it names, exactly as
/// the instance that made the revocation did. So a logout, a revoked app or grant, a password change or a lockout on
/// one instance is refused by every other at its very next request, while a request with nothing new to learn costs
/// one small read.
/// <para>
/// How the read is made depends on the engine (decisions §118). On SQLite (embedded: a read is a page of a local file,
/// and Microsoft.Data.Sqlite runs it synchronously anyway) each request makes its own read on its own thread, through a
/// pooled connection and no DbContext, and goes on without ever waiting for another thread. On PostgreSQL (a network
/// round trip) concurrent requests share reads: a request waits for a read that started after it arrived (the one
/// running when it arrives may have missed a revocation committed just before), never for an older one, so at most
/// one read runs at a time and a busy instance pays one read per read's duration, not one per request. Either way
/// the read a request relies on started after the request arrived.
/// </para>
/// </summary>
public sealed class RevocationFeed
{
    /// <summary>Signals older than this many epochs are deleted; an instance further behind forgets everything instead.</summary>
    public const long Kept = 4096;

    internal const string ReadClock = """SELECT "Epoch" FROM "RevocationClock" WHERE "Id" = 1""";
    private const string ReadSignals = """SELECT "Epoch", "Kind", "Value" FROM "RevocationSignals" WHERE "Epoch" > @seen ORDER BY "Epoch" """;

    private readonly AuthorizationStateCache checkedTokens;
    private readonly IMemoryCache cache;
    private readonly DatabaseProvider database;
    private readonly Lock gate = new();
    private readonly Lock reads = new();

    /// <summary>The next read, which the requests arriving while one runs wait for; null when none is waiting.</summary>
    private TaskCompletionSource? next;
    private bool reading;

    /// <summary>The last epoch applied here; -1 until the first read (then everything remembered before is dropped).</summary>
    private long seen = -1;

    internal RevocationFeed(AuthorizationStateCache checkedTokens, IMemoryCache cache, DatabaseProvider database)
    {
        this.checkedTokens = checkedTokens;
        this.cache = cache;
        this.database = database;
    }

    public long Seen => Interlocked.Read(ref seen);

    /// <summary>Reads made so far (each request's own on SQLite, shared on PostgreSQL); for the tests.</summary>
    internal long Reads => Interlocked.Read(ref readCount);

    private long readCount;

    /// <summary>
    /// Applies every revocation made, on any instance, before this call. On SQLite the task is complete when this
    /// returns (the read ran on the caller's thread).
    /// </summary>
    public Task CatchUpAsync(CancellationToken cancellationToken) =>
        database.IsEmbedded ? ReadOwnAsync(cancellationToken) : ShareReadAsync(cancellationToken);

    /// <summary>The request's own read: opening a pooled SQLite connection and one primary-key read, on this thread.</summary>
    private async Task ReadOwnAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private Task ShareReadAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource mine;
        var start = false;
        lock (reads)
        {
            next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            mine = next;
            if (!reading)
            {
                reading = true;
                next = null;
                start = true;
            }
        }
        if (start)
            _ = RunReadsAsync(mine);
        return mine.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs the read the first caller asked for, then the one the callers that came meanwhile wait for, until none waits.</summary>
    private async Task RunReadsAsync(TaskCompletionSource current)
    {
        while (true)
        {
            try
            {
                await using (var connection = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false))
                    await ReadAsync(connection, CancellationToken.None).ConfigureAwait(false);
                current.TrySetResult();
            }
            catch (Exception ex)
            {
                // Whatever failed, the waiters hear it (their request fails) and the next caller starts a fresh read:
                // nobody may be left waiting for a read that will never run.
                current.TrySetException(ex);
            }
            lock (reads)
            {
                if (next is null)
                {
                    reading = false;
                    return;
                }
                current = next;
                next = null;
            }
        }
    }

    private async Task ReadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref readCount);
        await using var command = connection.CreateCommand();
        command.CommandText = ReadClock;
        var epoch = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
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
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                signals.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
                    (RevocationKind)Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                    await reader.IsDBNullAsync(2, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(2)));
            }
        }
        Apply(epoch, signals);
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
