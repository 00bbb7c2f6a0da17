using System.Security.Cryptography;
using MediVault.Infrastructure.Storage;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>The byte layout of docs/storage.md, checked field by field.</summary>
public sealed class BlobFormatTests
{
    private static readonly byte[] Prefix = [1, 2, 3, 4, 5, 6, 7];

    [Fact]
    public void CreateHeader_LaysOutMagicVersionAlgorithmChunkSizePrefixAndAZero()
    {
        var header = BlobFormat.CreateHeader(65_536, Prefix);

        header.Should().Equal([.. "MVBLOB"u8.ToArray(), 1, 1, 0, 1, 0, 0, .. Prefix, 0]);
        BlobFormat.ReadChunkSize(header).Should().Be(65_536);
    }

    [Theory]
    [InlineData(0, false, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0 })]
    [InlineData(0, true, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 1 })]
    [InlineData(258, false, new byte[] { 1, 2, 3, 4, 5, 6, 7, 0, 0, 1, 2, 0 })]
    [InlineData(4_294_967_295, true, new byte[] { 1, 2, 3, 4, 5, 6, 7, 255, 255, 255, 255, 1 })]
    public void ChunkNonce_IsPrefixThenIndexThenTheFinalFlag(long index, bool isLast, byte[] expected)
    {
        var nonce = new byte[BlobFormat.NonceLength];

        BlobFormat.ChunkNonce(BlobFormat.CreateHeader(16, Prefix), index, isLast, nonce);

        nonce.Should().Equal(expected);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4_294_967_296)]
    public void ChunkNonce_IndexOutsideUInt32_Throws(long index)
    {
        var act = () => BlobFormat.ChunkNonce(BlobFormat.CreateHeader(16, Prefix), index, false, new byte[BlobFormat.NonceLength]);

        act.Should().Throw<CryptographicException>();
    }

    [Theory]
    [InlineData(0)] // magic
    [InlineData(5)] // magic
    [InlineData(6)] // version
    [InlineData(7)] // algorithm
    [InlineData(19)] // reserved byte
    public void ReadChunkSize_UnknownHeader_Throws(int offset)
    {
        var header = BlobFormat.CreateHeader(65_536, Prefix);
        header[offset] ^= 0xFF;

        var act = () => BlobFormat.ReadChunkSize(header);

        act.Should().Throw<CryptographicException>();
    }

    [Fact]
    public void ReadChunkSize_ShortHeader_Throws()
    {
        var act = () => BlobFormat.ReadChunkSize(BlobFormat.CreateHeader(65_536, Prefix).AsSpan(0, BlobFormat.HeaderLength - 1).ToArray());

        act.Should().Throw<CryptographicException>();
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(16 * 1024 * 1024, true)]
    [InlineData(16 * 1024 * 1024 + 1, false)]
    public void ReadChunkSize_OnlySixteenBytesToSixteenMebibytes(int chunkSize, bool accepted)
    {
        var act = () => BlobFormat.ReadChunkSize(BlobFormat.CreateHeader(chunkSize, Prefix));

        if (accepted)
            act.Should().NotThrow().Which.Should().Be(chunkSize);
        else
            act.Should().Throw<CryptographicException>();
    }

    [Theory]
    [InlineData(16, 16, 1, 0)] // one empty last chunk
    [InlineData(17, 16, 1, 1)]
    [InlineData(32, 16, 1, 16)] // one full chunk
    [InlineData(48, 16, 2, 16)] // a full chunk, then an empty last one
    [InlineData(49, 16, 2, 17)]
    public void Measure_CountsChunksAndPlaintext(long bodyLength, int chunkSize, long chunks, long plaintext) =>
        BlobFormat.Measure(BlobFormat.HeaderLength + bodyLength, chunkSize).Should().Be((chunks, plaintext));

    [Theory]
    [InlineData(-5)] // shorter than the header
    [InlineData(15)] // shorter than one tag
    [InlineData(32 + 15)] // a full chunk, then a piece of a tag
    public void Measure_EndingInsideATag_Throws(long bodyLength)
    {
        var act = () => BlobFormat.Measure(BlobFormat.HeaderLength + bodyLength, 16);

        act.Should().Throw<CryptographicException>();
    }
}
