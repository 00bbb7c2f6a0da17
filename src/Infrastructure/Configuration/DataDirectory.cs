using MediVault.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;

namespace MediVault.Infrastructure.Configuration;

/// <summary>Where everything the app keeps lives: the database, the encrypted blobs, the keys.</summary>
public sealed class DataDirectory
{
    private DataDirectory(string root, bool holdsTheDatabase)
    {
        Root = root;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(BlobsPath);
        Directory.CreateDirectory(KeysPath);
        RestrictToOwner(holdsTheDatabase);
    }

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Root { get; }
    public string DatabasePath => Path.Combine(Root, "medivault.db");
    public string BlobsPath => Path.Combine(Root, "blobs");
    public string KeysPath => Path.Combine(Root, "keys");

    /// <summary>The database file, the two SQLite keeps beside it, and the start-up lock file (decisions §152).</summary>
    public IEnumerable<string> DatabaseFiles => [DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", DatabasePath + ".startup-lock"];

    /// <summary>
    /// On every start: the folders 0700 and the database files 0600 (-wal and -shm included), whatever an earlier version,
    /// a restore or the umask left. An absent database is created empty with 0600 first: SQLite gives a new database the
    /// umask's mode (often 0644) and its -wal and -shm files the database's mode. On PostgreSQL nothing is created: an
    /// empty medivault.db would tell an operator the records are here.
    /// </summary>
    private void RestrictToOwner(bool holdsTheDatabase)
    {
        if (OperatingSystem.IsWindows())
            return;
        foreach (var folder in new[] { Root, BlobsPath, KeysPath })
            File.SetUnixFileMode(folder, OwnerOnlyFolder);
        if (holdsTheDatabase && !File.Exists(DatabasePath))
        {
            try
            {
                using var created = new FileStream(DatabasePath, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = OwnerOnlyFile,
                });
            }
            catch (IOException) when (File.Exists(DatabasePath))
            {
                // Another process created it first: its mode is set below.
            }
        }
        foreach (var file in DatabaseFiles.Where(File.Exists))
            File.SetUnixFileMode(file, OwnerOnlyFile);
    }

    public static DataDirectory Resolve(MediVaultOptions options, IHostEnvironment environment) =>
        new(Path.GetFullPath(options.DataDirectory, environment.ContentRootPath), DatabaseProviderNames.IsSqlite(options.Database.Provider));

    /// <summary>
    /// Writes a secret file readable by the owner only (0600), atomically: whole, or not at all. When the file exists
    /// already (another process created the same key first), it is left as it is and an <see cref="IOException"/> says so.
    /// The temporary copy has a name of this writer's own, so that processes writing the same file at once never write
    /// into one file, and it is removed whatever happens.
    /// </summary>
    public static void WriteSecretFile(string path, ReadOnlySpan<byte> content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp); // nothing left to delete after the move; a private key otherwise
        }
    }
}
