using System.Security.Cryptography;
using System.Text.Json;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>How the master key goes into a backup: wrapped by a passphrase, or not at all.</summary>
public sealed record MasterKeyHandling(string? Passphrase)
{
    public static readonly MasterKeyHandling Omit = new((string?)null);
    public bool Included => Passphrase is not null;
}

/// <summary>What a backup holds, written beside it as <c>manifest.json</c>.</summary>
public sealed record BackupManifest(int Version, DateTime CreatedAt, long LedgerLength, string LedgerHeadHash, int Blobs, bool MasterKeyIncluded);

/// <summary>
/// An online, consistent backup of a data directory, taken while the app may be serving: the database through the
/// SQLite backup API (one consistent snapshot), then the blobs that snapshot points to (blobs are written once and
/// never change, so a copy taken around the snapshot is the same file), the token keys, and the master key wrapped
/// by a passphrase or left out. Layout and restore: docs/operations.md.
/// </summary>
public static class VaultBackup
{
    public const string ManifestFile = "manifest.json";
    public const string DatabaseFile = "medivault.db";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<BackupManifest> RunAsync(IServiceProvider services, string target, MasterKeyHandling masterKey, CancellationToken cancellationToken)
    {
        var data = services.GetRequiredService<DataDirectory>();
        DataDirectoryLayout.RequireSqlite(services, "backup");
        DataDirectoryLayout.RequireLocalBlobs(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value, "backup");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new MaintenanceException($"The backup folder {target} is not empty.");
        var backup = DataDirectoryLayout.Create(target);

        // Blobs present now (pass 1), the snapshot, then whatever the snapshot names that pass 1 did not see (pass 2).
        var copied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var blob in DataDirectoryLayout.Blobs(data.BlobsPath))
            if (DataDirectoryLayout.TryCopy(blob, Path.Combine(backup.BlobsPath, Path.GetFileName(Path.GetDirectoryName(blob))!, Path.GetFileName(blob))))
                copied.Add(Path.GetFileName(blob));

        await SnapshotDatabaseAsync(data.DatabasePath, backup.DatabasePath, cancellationToken);
        var live = await LiveStorageKeysAsync(backup.DatabasePath, cancellationToken);
        foreach (var key in live.Where(k => !copied.Contains(k)))
        {
            if (!DataDirectoryLayout.TryCopy(Path.Combine(data.BlobsPath, StorageKeys.RelativePath(key)), backup.BlobPath(key)))
                throw new MaintenanceException($"The blob of a file in the snapshot vanished while backing up ({key}); run the backup again.");
        }
        // Blobs of files deleted before the snapshot are not part of it.
        foreach (var stray in DataDirectoryLayout.Blobs(backup.BlobsPath).Where(b => !live.Contains(Path.GetFileName(b))))
            File.Delete(stray);

        foreach (var pem in Directory.EnumerateFiles(data.KeysPath, "*.pem"))
            DataDirectoryLayout.TryCopy(pem, Path.Combine(backup.KeysPath, Path.GetFileName(pem)));
        // The ledger's checkpoint-signing key: without it the restored vault would sign with a new key, and every stored
        // checkpoint (and every receipt a patient kept) would no longer verify under the key they pinned.
        DataDirectoryLayout.TryCopy(
            Path.Combine(data.KeysPath, Ledger.Transparency.LedgerSigningKey.FileName),
            Path.Combine(backup.KeysPath, Ledger.Transparency.LedgerSigningKey.FileName));
        if (masterKey.Passphrase is { } passphrase)
        {
            var key = services.GetRequiredService<MasterKey>().Export();
            try
            {
                DataDirectory.WriteSecretFile(Path.Combine(backup.KeysPath, PassphraseWrap.FileName), PassphraseWrap.Wrap(key, passphrase));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        var head = await LedgerHeadAsync(backup.DatabasePath, cancellationToken);
        var manifest = new BackupManifest(1, DateTime.UtcNow, head.Length, head.Hash, live.Count, masterKey.Included);
        DataDirectory.WriteSecretFile(Path.Combine(target, ManifestFile), JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
        return manifest;
    }

    private static async Task SnapshotDatabaseAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using var from = new SqliteConnection(DataDirectoryLayout.ConnectionString(source, SqliteOpenMode.ReadOnly));
        await using var to = new SqliteConnection(DataDirectoryLayout.ConnectionString(destination, SqliteOpenMode.ReadWriteCreate));
        await from.OpenAsync(cancellationToken);
        await to.OpenAsync(cancellationToken);
        from.BackupDatabase(to);
        await using var journal = to.CreateCommand();
        journal.CommandText = "PRAGMA journal_mode=DELETE;"; // one self-contained file in the backup
        await journal.ExecuteNonQueryAsync(cancellationToken);
        DataDirectoryLayout.MakeOwnerOnly(destination);
    }

    internal static async Task<HashSet<string>> LiveStorageKeysAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadOnlyAsync(database, cancellationToken);
        return await DataDirectoryLayout.LiveStorageKeysAsync(connection, cancellationToken);
    }

    private static async Task<(long Length, string Hash)> LedgerHeadAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadOnlyAsync(database, cancellationToken);
        return await DataDirectoryLayout.LedgerHeadAsync(connection, cancellationToken);
    }

    private static async Task<SqliteConnection> OpenReadOnlyAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(DataDirectoryLayout.ConnectionString(database, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}

/// <summary>A backup or restore that cannot go on; the message says why and is shown to the operator.</summary>
public sealed class MaintenanceException(string message) : Exception(message);
