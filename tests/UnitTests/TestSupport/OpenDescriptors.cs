namespace MediVault.UnitTests.TestSupport;

/// <summary>This process's open file descriptors, read from <c>/proc/self/fd</c> (Linux), to check that a file or folder is closed again.</summary>
internal static class OpenDescriptors
{
    /// <summary>
    /// How many of this process's open descriptors point at <paramref name="path"/> itself, also after it was deleted
    /// (the kernel then names the target "<paramref name="path"/> (deleted)").
    /// </summary>
    public static int On(string path) =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget is { } target
                && (string.Equals(target, path, StringComparison.Ordinal) || string.Equals(target, path + " (deleted)", StringComparison.Ordinal)));
}
