using Amazon.S3;
using Amazon.S3.Model;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Storage;
using NSubstitute;

namespace MediVault.UnitTests.Infrastructure.Storage;

/// <summary>
/// A commit returns only once the store serves the whole object. s3rver answers the completion of a multipart upload
/// before its last write reaches the disk, and for a moment reports a shorter or empty object (a PostgreSQL + S3 test
/// once read a DICOM upload as "missing or damaged" that way); the S3 client is substituted here to be that store.
/// </summary>
public sealed class S3CommitTests
{
    private const string StorageKey = "0123456789abcdef0123456789abcdef";
    private static readonly string ObjectKey = S3BlobBackend.ObjectKey(StorageKey);
    private readonly IAmazonS3 _s3 = Substitute.For<IAmazonS3>();

    public S3CommitTests()
    {
        _s3.InitiateMultipartUploadAsync(Arg.Any<InitiateMultipartUploadRequest>(), Arg.Any<CancellationToken>())
            .Returns(new InitiateMultipartUploadResponse { UploadId = "upload-1" });
        _s3.UploadPartAsync(Arg.Any<UploadPartRequest>(), Arg.Any<CancellationToken>())
            .Returns(call => new UploadPartResponse { ETag = $"\"etag-{call.Arg<UploadPartRequest>().PartNumber}\"" });
        _s3.CompleteMultipartUploadAsync(Arg.Any<CompleteMultipartUploadRequest>(), Arg.Any<CancellationToken>())
            .Returns(new CompleteMultipartUploadResponse());
    }

    [Fact]
    public async Task Commit_StoreServesTheWholeObjectAtOnce_LooksOnce()
    {
        ServedLengths(1000);

        await CommitAsync(1000);

        await _s3.Received(1).GetObjectMetadataAsync(Arg.Is<GetObjectMetadataRequest>(r => r.Key == ObjectKey && r.BucketName == "vault"), Arg.Any<CancellationToken>());
        await _s3.DidNotReceive().DeleteObjectAsync(Arg.Any<DeleteObjectRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Commit_StoreServesNothingThenPartThenAll_WaitsForTheWhole()
    {
        _s3.GetObjectMetadataAsync(Arg.Any<GetObjectMetadataRequest>(), Arg.Any<CancellationToken>())
            .Returns(
                _ => throw new AmazonS3Exception("Not Found") { StatusCode = System.Net.HttpStatusCode.NotFound },
                _ => new GetObjectMetadataResponse { ContentLength = 0 },
                _ => new GetObjectMetadataResponse { ContentLength = 999 },
                _ => new GetObjectMetadataResponse { ContentLength = 1000 });

        await CommitAsync(1000);

        await _s3.Received(4).GetObjectMetadataAsync(Arg.Any<GetObjectMetadataRequest>(), Arg.Any<CancellationToken>());
        await _s3.DidNotReceive().DeleteObjectAsync(Arg.Any<DeleteObjectRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Commit_StoreNeverServesTheWhole_FailsAsUnavailableAndRemovesTheObject()
    {
        ServedLengths(999);

        var commit = () => CommitAsync(1000);

        (await commit.Should().ThrowAsync<BlobStoreUnavailableException>())
            .Which.Message.Should().Be("The object store completed the upload but serves 999 of its 1000 bytes.");
        await _s3.Received(Delays.Length + 1).GetObjectMetadataAsync(Arg.Any<GetObjectMetadataRequest>(), Arg.Any<CancellationToken>());
        await _s3.Received(1).DeleteObjectAsync(Arg.Is<DeleteObjectRequest>(r => r.Key == ObjectKey && r.BucketName == "vault"), Arg.Any<CancellationToken>());
        await _s3.DidNotReceive().AbortMultipartUploadAsync(Arg.Any<AbortMultipartUploadRequest>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Commit_StoreNeverShowsTheObject_SaysSo()
    {
        _s3.GetObjectMetadataAsync(Arg.Any<GetObjectMetadataRequest>(), Arg.Any<CancellationToken>())
            .Returns<GetObjectMetadataResponse>(_ => throw new AmazonS3Exception("Not Found") { StatusCode = System.Net.HttpStatusCode.NotFound });

        var commit = () => CommitAsync(1000);

        (await commit.Should().ThrowAsync<BlobStoreUnavailableException>())
            .Which.Message.Should().Be("The object store completed the upload but serves no object.");
    }

    private static readonly TimeSpan[] Delays = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];

    private void ServedLengths(long length) =>
        _s3.GetObjectMetadataAsync(Arg.Any<GetObjectMetadataRequest>(), Arg.Any<CancellationToken>())
            .Returns(_ => new GetObjectMetadataResponse { ContentLength = length });

    /// <summary>Stages <paramref name="length"/> bytes as one part and commits them, with the waits shortened to nothing.</summary>
    private async Task CommitAsync(int length)
    {
        var backend = new S3BlobBackend(_s3, new StorageOptions.S3Options { Bucket = "vault", ServiceUrl = "https://s3.example" }) { SettleDelays = Delays };
        await using var write = await backend.BeginWriteAsync(StorageKey, CancellationToken.None);
        await write.Content.WriteAsync(new byte[length]);
        await write.FinishAsync(CancellationToken.None);
        await write.CommitAsync(CancellationToken.None);
    }
}
