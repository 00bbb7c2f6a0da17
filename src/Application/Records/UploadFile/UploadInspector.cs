using System.Security.Cryptography;
using MediVault.Application.Common.Abstractions;
using MediVault.Application.Records.Common;

namespace MediVault.Application.Records.UploadFile;

/// <summary>Hashes an upload and detects its type as the store encrypts it, so the content is read exactly once.</summary>
internal sealed class UploadInspector : IContentObserver, IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5350 // SHA-1 is not used for security: it is FHIR's Attachment.hash, an interoperability checksum (decisions #44).
    private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350

    public FileTypeDetector Detector { get; } = new();

    public void Observe(ReadOnlySpan<byte> piece)
    {
        _sha256.AppendData(piece);
        _sha1.AppendData(piece);
        Detector.Append(piece);
    }

    public string Sha256Hex() => Convert.ToHexStringLower(_sha256.GetCurrentHash());

    public string Sha1Hex() => Convert.ToHexStringLower(_sha1.GetCurrentHash());

    public void Dispose()
    {
        _sha256.Dispose();
        _sha1.Dispose();
    }
}
