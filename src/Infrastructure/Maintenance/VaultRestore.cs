using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>What a verified restore found.</summary>
public sealed record RestoreReport(long LedgerLength, string LedgerHeadHash, int FilesVerified);

/// <summary>
/// Restores a backup into an empty data directory in two steps: <see cref="Unpack"/> copies it into place (and unwraps
/// the master key with the passphrase), then <see cref="VerifyAsync"/> runs the app's own code over the result:
/// the database's integrity check, the whole ledger, and every live file decrypted and hashed against its recorded
/// SHA-256. Only then is the restore reported a success.
/// </summary>
public static class VaultRestore
{
    /// <summary>Refuses a restore into an instance whose blobs live in a bucket (the backup holds a data directory's blobs).</summary>
    public static void RequireLocalBlobs(Storage.StorageOptions storage) => DataDirectoryLayout.RequireLocalBlobs(storage, "restore");

    /// <summary>Copies the backup into <paramref name="dataDirectory"/>, which must be absent or empty.</summary>

    public static void Unpack(string source, string dataDirectory, string? passphrase, bool masterKeyConfigured)
    {
        var backup = DataDirectoryLayout.Of(source);
        if (!File.Exists(Path.Combine(backup.Root, VaultBackup.ManifestFile)) || !File.Exists(backup.DatabasePath))
            throw new MaintenanceException($"{source} is not a MediVault backup (no {VaultBackup.ManifestFile} or {VaultBackup.DatabaseFile}).");
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
            throw new MaintenanceException($"The data directory {dataDirectory} is not empty; restore only into an empty one.");

        var wrappedKey = Path.Combine(backup.KeysPath, PassphraseWrap.FileName);
        byte[]? masterKey = null;
        if (File.Exists(wrappedKey))
        {
            if (passphrase is null && !masterKeyConfigured)
                throw new MaintenanceException("The backup's master key is wrapped by a passphrase: pass --passphrase-env VAR.");
            if (passphrase is not null)
            {
                try
                {
                    masterKey = PassphraseWrap.Unwrap(File.ReadAllBytes(wrappedKey), passphrase);
                }
                catch (Exception ex) when (ex is CryptographicException or FormatException or System.Text.Json.JsonException)
                {
                    throw new MaintenanceException("The passphrase does not unwrap the backup's master key.");
                }
            }
        }
        else if (!masterKeyConfigured)
        {
            throw new MaintenanceException("The backup holds no master key: configure MediVault:MasterKey with the key of the backed-up vault.");
        }

        var target = DataDirectoryLayout.Create(dataDirectory);
        try
        {
            DataDirectoryLayout.TryCopy(backup.DatabasePath, target.DatabasePath);
            foreach (var blob in DataDirectoryLayout.Blobs(backup.BlobsPath))
                DataDirectoryLayout.TryCopy(blob, Path.Combine(target.BlobsPath, Path.GetFileName(Path.GetDirectoryName(blob))!, Path.GetFileName(blob)));
            foreach (var pem in Directory.EnumerateFiles(backup.KeysPath, "*.pem"))
                DataDirectoryLayout.TryCopy(pem, Path.Combine(target.KeysPath, Path.GetFileName(pem)));
            DataDirectoryLayout.TryCopy(
                Path.Combine(backup.KeysPath, Ledger.Transparency.LedgerSigningKey.FileName),
                Path.Combine(target.KeysPath, Ledger.Transparency.LedgerSigningKey.FileName));
            if (masterKey is not null)
                DataDirectory.WriteSecretFile(Path.Combine(target.KeysPath, Storage.MasterKey.FileName),
                    System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(masterKey) + "\n"));
        }
        finally
        {
            if (masterKey is not null)
                CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    /// <summary>Checks the restored data directory with the app's services built over it; throws on the first problem.</summary>
    /// <summary>Closes every pooled SQLite connection, so the database files can be removed or replaced.</summary>
    public static void ReleaseDatabaseFiles() => SqliteConnection.ClearAllPools();

    public static async Task<RestoreReport> VerifyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        DataDirectoryLayout.RequireSqlite(services, "restore");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var integrity = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync(cancellationToken);
        if (integrity is not ["ok"])
            throw new MaintenanceException("The database fails its integrity check: " + string.Join("; ", integrity.Take(5)));

        var ledger = await scope.ServiceProvider.GetRequiredService<ILedger>().VerifyAsync(cancellationToken);
        if (!ledger.Valid)
            throw new MaintenanceException($"The ledger does not verify: {ledger.Problem ?? $"block {ledger.FirstInvalidIndex} is wrong"}.");

        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        var verified = 0;
        var files = db.MedicalFiles.AsNoTracking().Where(f => f.DeletedAt == null)
            .Select(f => new { f.Id, f.StorageKey, f.WrappedKey, f.Sha256, f.SizeBytes }).AsAsyncEnumerable();
        await foreach (var file in files.WithCancellation(cancellationToken))
        {
            try
            {
                await using var content = await store.OpenReadAsync(file.StorageKey, file.WrappedKey!, cancellationToken);
                var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
                if (content.Length != file.SizeBytes || hash != file.Sha256)
                    throw new MaintenanceException($"File {file.Id} does not match its recorded SHA-256.");
            }
            catch (StoredContentCorruptException ex)
            {
                throw new MaintenanceException($"File {file.Id} cannot be read back: {ex.Message}");
            }
            verified++;
        }
        return new RestoreReport(ledger.Length, ledger.HeadHash, verified);
    }
}
