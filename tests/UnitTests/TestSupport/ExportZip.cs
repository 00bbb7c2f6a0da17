using System.IO.Compression;
using System.Text;
using MediVault.Application.DataRights.ExportVault;

namespace MediVault.UnitTests.TestSupport;

/// <summary>
/// A vault export written to a response-like body (forward only, asynchronous writes only) and read back as a zip,
/// for the tests of the export and of each of its parts.
/// </summary>
internal static class ExportZip
{
    public static async Task<ZipArchive> WrittenBy(Func<Stream, CancellationToken, Task> write)
    {
        var body = new ForwardOnlyStream();
        await write(body, CancellationToken.None);
        return new ZipArchive(new MemoryStream(body.Written.ToArray()), ZipArchiveMode.Read);
    }

    public static async Task<ZipArchive> Of(Func<VaultArchive, Task> write) =>
        await WrittenBy(async (body, ct) =>
        {
            await using var archive = await VaultArchive.CreateAsync(body, ct);
            await write(archive);
        });

    /// <summary>What one part writes, for <paramref name="patientId"/>.</summary>
    public static Task<ZipArchive> Of(IVaultExportPart part, Guid patientId) =>
        Of(archive => part.WriteAsync(archive, patientId, CancellationToken.None));

    public static string Text(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var content = entry.Open();
        using var copy = new MemoryStream();
        content.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A response body: forwards only, no seeking, and synchronous writes refused.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        public MemoryStream Written { get; } = new();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed.");
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => Written.WriteAsync(buffer, cancellationToken);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Written.WriteAsync(buffer, offset, count, cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
