using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MediVault.Infrastructure.Ledger;

/// <summary>
/// SHA-256 of the short messages the ledger hashes by the million (entries of ~290 bytes, 65-byte tree nodes).
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> goes through OpenSSL 3's EVP layer on Linux, which
/// fetches the algorithm, allocates a context and clears the error queue on every call: about 0.85 µs for one entry on
/// this machine, where OpenSSL's own <c>SHA256_Init/Update/Final</c> take about 0.2 µs (docs/performance.md). Those are
/// used when the process's libcrypto exports them; anywhere else (another OpenSSL, Windows, macOS) this is
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>. Both give the same digest, which a unit test checks.
/// </summary>
internal static class Sha256
{
    public const int HashSize = SHA256.HashSizeInBytes;

    /// <summary>Whether the direct OpenSSL path is in use (for the tests and the benchmarks).</summary>
    public static bool UsesOpenSslDirectly { get; } = Probe();

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSize)
            throw new ArgumentException("The destination holds fewer than 32 bytes.", nameof(destination));
        if (!UsesOpenSslDirectly || !TryHashDirectly(data, destination))
            SHA256.HashData(data, destination);
    }

    private static bool TryHashDirectly(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var context = default(Context);
        return NativeMethods.Init(ref context) == 1
               && NativeMethods.Update(ref context, ref MemoryMarshal.GetReference(data), (nuint)data.Length) == 1
               && NativeMethods.Final(ref MemoryMarshal.GetReference(destination), ref context) == 1;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            Span<byte> direct = stackalloc byte[HashSize];
            ReadOnlySpan<byte> probe = "abc"u8;
            return TryHashDirectly(probe, direct) && direct.SequenceEqual(SHA256.HashData(probe));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSL's <c>SHA256_CTX</c> is 112 bytes; this leaves room to spare and lives on the caller's stack.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct Context
    {
        private long _first;
    }

    private static class NativeMethods
    {
        private const string LibCrypto = "libcrypto.so.3";

        [DllImport(LibCrypto, EntryPoint = "SHA256_Init")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Init(ref Context context);

        [DllImport(LibCrypto, EntryPoint = "SHA256_Update")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Update(ref Context context, ref byte data, nuint length);

        [DllImport(LibCrypto, EntryPoint = "SHA256_Final")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Final(ref byte digest, ref Context context);
    }
}
