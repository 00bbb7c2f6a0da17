using Microsoft.Extensions.Hosting;

namespace MediVault.Infrastructure.Configuration;

/// <summary>Where everything the app keeps lives: the database, the encrypted blobs, the keys.</summary>
public sealed class DataDirectory
{
    private DataDirectory(string root)
    {
        Root = root;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(BlobsPath);
        Directory.CreateDirectory(KeysPath);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(KeysPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }
    public string DatabasePath => Path.Combine(Root, "medivault.db");
    public string BlobsPath => Path.Combine(Root, "blobs");
    public string KeysPath => Path.Combine(Root, "keys");

    public static DataDirectory Resolve(MediVaultOptions options, IHostEnvironment environment) =>
        new(Path.GetFullPath(options.DataDirectory, environment.ContentRootPath));

    /// <summary>Writes a secret file readable by the owner only (0600), atomically.</summary>
    public static void WriteSecretFile(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: false);
    }
}
