using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.WebUtilities;

namespace MediVault.Benchmarks;

/// <summary>What reading the file part out of a multipart body costs, before any hashing or encryption.</summary>
[MemoryDiagnoser]
public class MultipartReadBenchmarks
{
    private const string Boundary = "----medivault-bench-boundary";
    private byte[] _body = [];
    private readonly byte[] _batch = new byte[256 * 1024];

    [Params(64 * 1024 * 1024)]
    public int Size { get; set; }

    [Params(4 * 1024, 64 * 1024)]
    public int ReaderBuffer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n" +
            "Content-Type: application/pdf\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        _body = [.. head, .. RandomNumberGenerator.GetBytes(Size), .. tail];
    }

    [Benchmark]
    public async Task<long> ReadFilePart()
    {
        var reader = new MultipartReader(Boundary, new MemoryStream(_body, writable: false), ReaderBuffer);
        var section = await reader.ReadNextSectionAsync() ?? throw new InvalidOperationException("No part.");
        long total = 0;
        int read;
        while ((read = await section.Body.ReadAtLeastAsync(_batch, _batch.Length, throwOnEndOfStream: false)) > 0)
            total += read;
        return total == Size ? total : throw new InvalidOperationException("Short read.");
    }
}
