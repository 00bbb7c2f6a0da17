using System.Diagnostics;
using System.Globalization;

namespace MediVault.IntegrationTests.Infrastructure;

/// <summary>
/// Temp folders for the servers a test process starts for itself (s3rver's objects, a PostgreSQL cluster). Each is
/// deleted when the process exits, but the test platform may end the test host before that handler is done; so each
/// folder also names its owner, and creating one first removes the folders of owners that are gone. Folders of a
/// test process still running (another worktree's suite) are left alone.
/// </summary>
internal static class TestServerFolders
{
    private const string OwnerFile = "owner.pid";

    /// <summary>A new folder named <paramref name="prefix"/>…; <paramref name="stopAbandoned"/> first stops a server left running in an abandoned one.</summary>
    public static string Create(string prefix, Action<string>? stopAbandoned = null)
    {
        RemoveAbandoned(prefix, stopAbandoned);
        var folder = Directory.CreateTempSubdirectory(prefix).FullName;
        File.WriteAllText(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    private static void RemoveAbandoned(string prefix, Action<string>? stopAbandoned)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            if (!IsAbandoned(folder))
                continue;
            stopAbandoned?.Invoke(folder);
            MediVaultFactory.TryDelete(folder);
        }
    }

    /// <summary>Its owner is no longer running; a folder without an owner file is left alone unless a day old.</summary>
    private static bool IsAbandoned(string folder)
    {
        var owner = Path.Combine(folder, OwnerFile);
        if (!File.Exists(owner))
            return Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddDays(-1);
        if (!int.TryParse(File.ReadAllText(owner), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
    }
}
