using System.Runtime.InteropServices;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Makes a folder's entries durable: after a rename into it, <c>fsync</c> on the folder itself is what puts the new
/// name on disk (Linux, macOS). .NET has no call for it, because it will not open a folder as a file.
/// On Windows, NTFS journals renames itself, so there is nothing to do.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY, the same on Linux and macOS

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
            throw new IOException($"The folder could not be opened to flush it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (FSync(descriptor) != 0)
                throw new IOException($"The folder could not be flushed to disk (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FSync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
