using MediVault.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.Infrastructure.Maintenance;

/// <summary>The layout a backup shares with a data directory (medivault.db, blobs/xx/key, keys/), and careful copying.</summary>
internal sealed class DataDirectoryLayout
{
    private DataDirectoryLayout(string root) => Root = root;

    public string Root { get; }
    public string DatabasePath => Path.Combine(Root, VaultBackup.DatabaseFile);
    public string BlobsPath => Path.Combine(Root, "blobs");
    public string KeysPath => Path.Combine(Root, "keys");

    /// <summary>Where a published blob lives: blobs/&lt;first two hex digits&gt;/&lt;storage key&gt;.</summary>
    public string BlobPath(string storageKey) => Path.Combine(BlobsPath, StorageKeys.RelativePath(storageKey));

    /// <summary>Creates the folders, readable by the owner only.</summary>
    public static DataDirectoryLayout Create(string root)
    {
        var layout = new DataDirectoryLayout(Path.GetFullPath(root));
        foreach (var folder in new[] { layout.Root, layout.BlobsPath, layout.KeysPath })
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return layout;
    }

    public static DataDirectoryLayout Of(string root) => new(Path.GetFullPath(root));

    /// <summary>Published blobs: blobs/&lt;two hex digits&gt;/&lt;storage key&gt;, never the staging folder.</summary>
    public static IEnumerable<string> Blobs(string blobsPath) =>
        Directory.Exists(blobsPath)
            ? Directory.EnumerateDirectories(blobsPath).Where(d => Path.GetFileName(d).Length == 2).SelectMany(Directory.EnumerateFiles).ToList()
            : [];

    /// <summary>Copies a file, flushed to disk and owner-only; false when the source is gone.</summary>
    public static bool TryCopy(string source, string destination)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 20 };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var to = new FileStream(destination, options);
            from.CopyTo(to);
            to.Flush(flushToDisk: true);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    public static void MakeOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The backup and restore verbs copy the SQLite file; a PostgreSQL vault is backed up by PostgreSQL's own tools.</summary>
    internal static void RequireSqlite(IServiceProvider services, string verb)
    {
        if (services.GetRequiredService<Persistence.DatabaseProvider>().Name != Persistence.DatabaseProviderNames.Sqlite)
            throw new MaintenanceException(
                $"{verb} works on a SQLite vault; this one is on PostgreSQL: back it up with pg_dump or point-in-time recovery (docs/deployment.md).");
    }

    /// <summary>
    /// The backup and restore verbs copy the data directory's <c>blobs/</c>; with <c>MediVault:Storage:Provider=s3</c> the
    /// blobs are in a bucket those verbs do not copy, and a backup without them would look complete and not be.
    /// </summary>
    internal static void RequireLocalBlobs(Storage.StorageOptions storage, string verb)
    {
        if (storage.UsesS3)
            throw new MaintenanceException(
                $"{verb} copies the data directory's blobs, but this vault keeps them in the S3 bucket '{storage.S3.Bucket}'. " +
                "Back the bucket up with versioning or object lock and replication, and the database with its own tools " +
                "(SQLite: sqlite3 medivault.db \".backup FILE\"; PostgreSQL: pg_dump or point-in-time recovery), keys from your secret store: " +
                "docs/deployment.md, \"Backups, part by part\".");
    }

    public static string ConnectionString(string path, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString();

    /// <summary>
    /// The storage keys of the files not deleted, read on <paramref name="connection"/> (in its transaction, if any). A
    /// value that is not a storage key stops the caller (it would otherwise become a path).
    /// </summary>
    public static async Task<HashSet<string>> LiveStorageKeysAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT StorageKey FROM MedicalFiles WHERE DeletedAt IS NULL";
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            keys.Add(StorageKeys.IsValid(key) ? key : throw new MaintenanceException("The database names a file's blob by something that is not a storage key: it is damaged."));
        }
        return keys;
    }

    /// <summary>The ledger's length and head hash (0 and "" for an empty ledger), read on <paramref name="connection"/>.</summary>
    public static async Task<(long Length, string Hash)> LedgerHeadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Index\", Hash FROM LedgerBlocks ORDER BY \"Index\" DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0) + 1, reader.GetString(1)) : (0, "");
    }
}
