using System.Security.Cryptography;
using System.Text;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// The key that wraps every blob's data key. Comes from <c>MediVault:MasterKey</c> (base64 of 32 bytes), or else from
/// <c>keys/master.key</c> in the data directory, generated once and readable by the owner only.
/// </summary>
internal sealed partial class MasterKey : IDisposable
{
    public const string FileName = "master.key";
    private const byte WrapVersion = 1;
    public const int WrappedLength = 1 + BlobFormat.NonceLength + BlobFormat.KeyLength + BlobFormat.TagLength;

    // AesGcm instances are not thread-safe: each wrap or unwrap makes its own from the key.
    private readonly byte[] _key;

    public MasterKey(IOptions<MediVaultOptions> options, DataDirectory data, ILogger<MasterKey> logger)
    {
        _key = options.Value.MasterKey is { Length: > 0 } configured
            ? Parse(configured) ?? throw new InvalidOperationException("MediVault:MasterKey must be the base64 of 32 bytes.")
            : LoadOrCreate(Path.Combine(data.KeysPath, FileName), logger);
    }

    /// <summary>Decodes a configured key; null when it is not the base64 of exactly 32 bytes.</summary>
    public static byte[]? Parse(string base64)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == BlobFormat.KeyLength
            ? buffer[..BlobFormat.KeyLength]
            : null;
    }

    /// <summary>version (1) ‖ nonce (12) ‖ AES-256-GCM(data key) (32) ‖ tag (16); the storage key is the associated data.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> dataKey, string storageKey) => Wrap(dataKey, AssociatedData(storageKey));

    /// <summary>The data key, or a <see cref="CryptographicException"/> when the wrapping was altered or made by another master key.</summary>
    public byte[] Unwrap(byte[] wrapped, string storageKey) => Unwrap(wrapped, AssociatedData(storageKey));

    /// <summary>Wraps a patient's data key (docs/storage.md, "Medical text"); bound to the patient's id.</summary>
    public byte[] WrapPatientKey(ReadOnlySpan<byte> dataKey, Guid patientId)
    {
        Span<byte> associatedData = stackalloc byte[PatientKeyPrefix.Length + GuidLength];
        return Wrap(dataKey, WithId(PatientKeyPrefix, patientId, associatedData));
    }

    /// <summary>
    /// Writes a patient's data key into <paramref name="dataKey"/> (<see cref="BlobFormat.KeyLength"/> bytes, which can
    /// live on the stack: opening a sealed text then leaves no copy of the key on the heap), or throws a
    /// <see cref="CryptographicException"/> when the wrapping is not this patient's or was altered.
    /// </summary>
    public void UnwrapPatientKey(byte[] wrapped, Guid patientId, Span<byte> dataKey)
    {
        Span<byte> associatedData = stackalloc byte[PatientKeyPrefix.Length + GuidLength];
        Unwrap(wrapped, WithId(PatientKeyPrefix, patientId, associatedData), dataKey);
    }

    /// <summary>Wraps a long-term SMART Health Link's key (docs/emergency.md); bound to the link's id.</summary>
    public byte[] WrapLinkKey(ReadOnlySpan<byte> linkKey, Guid linkId)
    {
        Span<byte> associatedData = stackalloc byte[LinkKeyPrefix.Length + GuidLength];
        return Wrap(linkKey, WithId(LinkKeyPrefix, linkId, associatedData));
    }

    /// <summary>A link's key, or a <see cref="CryptographicException"/> when the wrapping is not this link's or was altered.</summary>
    public byte[] UnwrapLinkKey(byte[] wrapped, Guid linkId)
    {
        Span<byte> associatedData = stackalloc byte[LinkKeyPrefix.Length + GuidLength];
        return Unwrap(wrapped, WithId(LinkKeyPrefix, linkId, associatedData));
    }

    /// <summary>A 32-byte key for one purpose, derived from the master key with HKDF-SHA256 (the purpose is the info).</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, BlobFormat.KeyLength, info: Encoding.ASCII.GetBytes(purpose));

    private byte[] Wrap(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> associatedData)
    {
        var wrapped = new byte[WrappedLength];
        wrapped[0] = WrapVersion;
        var nonce = wrapped.AsSpan(1, BlobFormat.NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, BlobFormat.TagLength);
        aes.Encrypt(nonce, dataKey, wrapped.AsSpan(1 + BlobFormat.NonceLength, BlobFormat.KeyLength),
            wrapped.AsSpan(1 + BlobFormat.NonceLength + BlobFormat.KeyLength), associatedData);
        return wrapped;
    }

    private byte[] Unwrap(byte[] wrapped, ReadOnlySpan<byte> associatedData)
    {
        var dataKey = new byte[BlobFormat.KeyLength];
        Unwrap(wrapped, associatedData, dataKey);
        return dataKey;
    }

    private void Unwrap(byte[] wrapped, ReadOnlySpan<byte> associatedData, Span<byte> dataKey)
    {
        if (wrapped is not { Length: WrappedLength } || wrapped[0] != WrapVersion)
            throw new CryptographicException("The wrapped data key is not of a known version.");
        using var aes = new AesGcm(_key, BlobFormat.TagLength);
        aes.Decrypt(wrapped.AsSpan(1, BlobFormat.NonceLength), wrapped.AsSpan(1 + BlobFormat.NonceLength, BlobFormat.KeyLength),
            wrapped.AsSpan(1 + BlobFormat.NonceLength + BlobFormat.KeyLength), dataKey[..BlobFormat.KeyLength], associatedData);
    }

    /// <summary>A copy of the key itself, for a backup that wraps it; the caller zeroes it.</summary>
    internal byte[] Export() => (byte[])_key.Clone();

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    // Binding the wrapping to its blob means a wrapped key copied onto another row does not open that row's blob.
    private static byte[] AssociatedData(string storageKey) => Encoding.ASCII.GetBytes("medivault-dek-v1:" + storageKey);

    private static ReadOnlySpan<byte> PatientKeyPrefix => "medivault-pdk-v1:"u8;
    private static ReadOnlySpan<byte> LinkKeyPrefix => "medivault-shl-v1:"u8;
    private const int GuidLength = 36;

    /// <summary>
    /// <paramref name="prefix"/> followed by the id in its "D" form (lower-case, hyphenated), written into
    /// <paramref name="destination"/>: the associated data of a patient's or a link's key, built on the stack.
    /// </summary>
    private static ReadOnlySpan<byte> WithId(ReadOnlySpan<byte> prefix, Guid id, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        id.TryFormat(destination[prefix.Length..], out var written, "D");
        return destination[..(prefix.Length + written)];
    }

    private static byte[] LoadOrCreate(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            var created = RandomNumberGenerator.GetBytes(BlobFormat.KeyLength);
            try
            {
                DataDirectory.WriteSecretFile(path, Encoding.ASCII.GetBytes(Convert.ToBase64String(created) + "\n"));
                LogCreated(logger, path);
                return created;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process wrote it first: use theirs.
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
            UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            LogTightened(logger, path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return Parse(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"The master key file {FileName} in the data directory is not the base64 of 32 bytes.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a new master key at {Path}; back it up: without it no stored file can be read")]
    private static partial void LogCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The master key file {Path} was readable by others; its mode is now 0600")]
    private static partial void LogTightened(ILogger logger, string path);
}
