using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MediVault.Application.Records.UploadFile;
using MediVault.Infrastructure.Storage;

namespace MediVault.Benchmarks;

/// <summary>
/// The upload pipeline without HTTP and disk: limit check + SHA-256 + type detection + AES-256-GCM chunking, the same
/// classes the server runs, against SHA-256 alone over the same bytes.
/// </summary>
[MemoryDiagnoser]
public class UploadPipelineBenchmarks
{
    private byte[] _content = [];
    private byte[] _dataKey = [];

    [Params(64 * 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _content = RandomNumberGenerator.GetBytes(Size);
        "%PDF-1.7\n"u8.CopyTo(_content);
        _dataKey = RandomNumberGenerator.GetBytes(32);
    }

    [Benchmark(Baseline = true, Description = "SHA-256 only")]
    public byte[] Sha256Only()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var offset = 0; offset < _content.Length; offset += BlobFormat.DefaultChunkSize)
            hash.AppendData(_content, offset, Math.Min(BlobFormat.DefaultChunkSize, _content.Length - offset));
        return hash.GetHashAndReset();
    }

    [Benchmark(Description = "hash + detect + encrypt (upload pipeline)")]
    public async Task<string> HashDetectEncrypt()
    {
        var limited = new UploadLimitStream(new MemoryStream(_content, writable: false), long.MaxValue);
        using var inspector = new UploadInspector();
        await BlobEncryptor.EncryptAsync(limited, Stream.Null, _dataKey, BlobFormat.DefaultChunkSize, inspector, CancellationToken.None);
        return inspector.Sha256Hex();
    }
}
