using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using MediVault.Infrastructure.Storage;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MediVault.IntegrationTests;

/// <summary>
/// The S3 blob backend against a real S3-compatible server (s3rver, <see cref="S3TestServer"/>), each test on a fresh
/// bucket: multipart upload, ranged reads, abort, the start-up sweep, and tampering caught by the envelope.
/// </summary>
public sealed class S3StorageTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string _directory = MediVaultFactory.NewDataDirectoryPath();
    private readonly MasterKey _masterKey;

    public S3StorageTests()
    {
        var options = new MediVaultOptions { DataDirectory = _directory, MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        var data = DataDirectory.Resolve(options, new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        _masterKey = new MasterKey(Options.Create(options), data, NullLogger<MasterKey>.Instance);
    }

    [Fact]
    public async Task Upload_LargerThanOnePart_GoesUpInPartsAndReadsBackWhole()
    {
        var (store, bucket, client) = await StoreAsync();
        var content = RandomNumberGenerator.GetBytes(20 * MiB + 12345);

        var (key, wrapped) = await PutAsync(store, content);

        var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Bucket });
        objects.S3Objects.Should().ContainSingle().Which.Key.Should().Be(S3BlobBackend.ObjectKey(key));
        client.PartsSent.Should().BeEquivalentTo([8L * MiB, 8L * MiB, 20 * MiB + 12345 + BlobFormat.HeaderLength + 321 * BlobFormat.TagLength - 16L * MiB]);
        (await ReadAllAsync(store, key, wrapped)).Should().Equal(content);
    }

    [Fact]
    public async Task Uploads_ThreeAtOnceThenOneMore_ReusePartBuffers_AndEachReadsBackWhole()
    {
        // The part buffers are shared by the backend's writes (PartBuffers): a buffer handed on too early would mix one
        // upload's bytes into another's, which only the read-back shows.
        var (store, _, client) = await StoreAsync();
        var contents = Enumerable.Range(0, 4).Select(i => RandomNumberGenerator.GetBytes(17 * MiB + 1000 * i)).ToArray();

        var together = await Task.WhenAll(contents[..3].Select(c => PutAsync(store, c)));
        var after = await PutAsync(store, contents[3]);

        client.PartsSent.Should().HaveCount(12, "each upload goes up in three parts");
        foreach (var ((key, wrapped), content) in together.Append(after).Zip(contents))
            (await ReadAllAsync(store, key, wrapped)).Should().Equal(content);
    }

    [Fact]
    public async Task Download_RangedReads_MatchTheSourceByteForByte()
    {
        var (store, _, _) = await StoreAsync();
        var content = RandomNumberGenerator.GetBytes(9 * MiB + 777);
        var (key, wrapped) = await PutAsync(store, content);

        await using var stream = await store.OpenReadAsync(key, wrapped, CancellationToken.None);
        stream.Length.Should().Be(content.Length);
        // Backwards and forwards, inside a chunk, across chunk boundaries, and the very end.
        foreach (var (from, length) in new[] { (content.Length - 100L, 100), (5L, 70_000), (4 * MiB - 3L, 2 * MiB), (65_530L, 20), (0L, 1), (content.Length - 1L, 1) })
        {
            stream.Position = from;
            var read = new byte[length];
            await stream.ReadExactlyAsync(read);
            read.Should().Equal(content.AsSpan((int)from, length).ToArray(), $"bytes {from} to {from + length - 1}");
        }
    }

    [Fact]
    public async Task Upload_SourceFailsAfterTwoParts_AbortsTheUploadAndLeavesNothing()
    {
        var (store, bucket, client) = await StoreAsync();

        var act = () => store.StageAsync(new FailingStream(17 * MiB), new CountingObserver(), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>().WithMessage("The client went away.");
        // s3rver keeps no list of uploads, so the abort is seen on the client side; the object never appears.
        client.PartsSent.Should().HaveCount(2);
        client.Aborted.Should().Equal(client.Initiated);
        (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Bucket })).S3Objects.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task Staged_DisposedWithoutPublishing_IsAbortedAndNeverVisible()
    {
        var (store, bucket, client) = await StoreAsync();
        var staged = await store.StageAsync(new MemoryStream(RandomNumberGenerator.GetBytes(1000)), new CountingObserver(), CancellationToken.None);
        client.Initiated.Should().ContainSingle();

        await staged.DisposeAsync();

        client.Aborted.Should().Equal(client.Initiated);
        (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Bucket })).S3Objects.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task Restart_SweepsAbandonedUploadsAndOrphanObjects_AndKeepsLiveFiles()
    {
        var settings = await S3TestServer.FreshBucketSettingsAsync();
        var bucket = settings["MediVault:Storage:S3:Bucket"]!;
        var content = SampleFiles.Pdf(50_000);
        var orphanKey = NewStorageKey();
        using var client = S3TestServer.Client(await OptionsOf(bucket));
        await using var factory = new MediVaultFactory();
        foreach (var (name, value) in settings)
            factory.Settings[name] = value;
        var patient = await new Api(factory).RegisterPatient();
        var kept = await patient.Upload(content, "kept.pdf");
        await client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = S3BlobBackend.ObjectKey(orphanKey),
            ContentBody = "orphan",
            UseChunkEncoding = false,
        });

        // A second instance starting on the same database and bucket runs the sweep.
        await using var restarted = MediVaultFactory.OnDataDirectory(factory.DataDirectory);
        foreach (var (name, value) in settings)
            restarted.Settings[name] = value;
        var again = await new Api(restarted).LoginAs(patient.Email, Api.StrongPassword);

        (await again.Client.GetByteArrayAsync($"/api/files/download/{kept.Id}")).Should().Equal(content);
        var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        objects.S3Objects.Should().ContainSingle().Which.Key.Should().NotContain(orphanKey);
        restarted.Logs.Lines.Should().Contain(line => line.Contains("Removed 1 orphaned blob(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restart_WithinTheGracePeriod_LeavesOtherInstancesUploadsAlone()
    {
        var settings = await S3TestServer.FreshBucketSettingsAsync(sweepAfter: TimeSpan.FromHours(1));
        var bucket = settings["MediVault:Storage:S3:Bucket"]!;
        using var client = S3TestServer.Client(await OptionsOf(bucket));
        var notYetCommitted = S3BlobBackend.ObjectKey(NewStorageKey());
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = notYetCommitted, ContentBody = "x", UseChunkEncoding = false });

        await using var factory = new MediVaultFactory();
        foreach (var (name, value) in settings)
            factory.Settings[name] = value;
        (await factory.CreateClient().GetAsync("/api/health")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Should().ContainSingle()
            .Which.Key.Should().Be(notYetCommitted);
    }

    [Fact]
    public async Task Download_ObjectTamperedInTheBucket_FailsItsIntegrityCheck()
    {
        var settings = await S3TestServer.FreshBucketSettingsAsync();
        var bucket = settings["MediVault:Storage:S3:Bucket"]!;
        await using var factory = new MediVaultFactory();
        foreach (var (name, value) in settings)
            factory.Settings[name] = value;
        var patient = await new Api(factory).RegisterPatient();
        var file = await patient.Upload(SampleFiles.Pdf(200_000), "scan.pdf");
        using var client = S3TestServer.Client(await OptionsOf(bucket));
        var key = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Single().Key;
        byte[] blob;
        using (var original = await client.GetObjectAsync(bucket, key))
        using (var copy = new MemoryStream())
        {
            await original.ResponseStream.CopyToAsync(copy);
            blob = copy.ToArray();
        }
        blob[BlobFormat.HeaderLength + 100_000] ^= 0x01; // a bit of the second chunk
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(blob), UseChunkEncoding = false });

        var download = await patient.Client.GetAsync($"/api/files/download/{file.Id}");
        var verify = await (await patient.Client.GetAsync($"/api/files/{file.Id}/verify")).ReadAs<FileVerificationAnswer>();

        await download.ShouldBeProblem(HttpStatusCode.InternalServerError);
        verify.Intact.Should().BeFalse();
    }

    [Fact]
    public async Task Health_BucketGone_ReportsStorageUnhealthy()
    {
        var bucket = await S3TestServer.FreshBucketAsync();
        using var backend = new S3BlobBackend(S3TestServer.Client(bucket), bucket);
        (await backend.IsHealthyAsync(CancellationToken.None)).Should().BeTrue();

        using var client = S3TestServer.Client(bucket);
        await client.DeleteBucketAsync(bucket.Bucket);

        (await backend.IsHealthyAsync(CancellationToken.None)).Should().BeFalse();
    }

    private static string NewStorageKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task<StorageOptions.S3Options> OptionsOf(string bucket) => new()
    {
        ServiceUrl = await S3TestServer.ServiceUrlAsync(),
        Bucket = bucket,
        AccessKey = S3TestServer.AccessKey,
        SecretKey = S3TestServer.SecretKey,
        ForcePathStyle = true,
    };

    private async Task<(EncryptedFileStore Store, StorageOptions.S3Options Bucket, RecordingS3Client Client)> StoreAsync()
    {
        var bucket = await S3TestServer.FreshBucketAsync();
        bucket.PartSizeMiB = 8;
        var client = new RecordingS3Client(bucket);
        var backend = new S3BlobBackend(client, bucket);
        return (new EncryptedFileStore(backend, _masterKey, NullLogger<EncryptedFileStore>.Instance), bucket, client);
    }

    /// <summary>The real client, noting the multipart calls the backend makes (s3rver cannot list or abort uploads itself).</summary>
    private sealed class RecordingS3Client(StorageOptions.S3Options options)
        : AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(options.AccessKey, options.SecretKey), new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        })
    {
        public List<string> Initiated { get; } = [];
        public List<string> Aborted { get; } = [];
        public List<long> PartsSent { get; } = [];

        public override async Task<InitiateMultipartUploadResponse> InitiateMultipartUploadAsync(InitiateMultipartUploadRequest request, CancellationToken cancellationToken = default)
        {
            var response = await base.InitiateMultipartUploadAsync(request, cancellationToken);
            lock (Initiated)
                Initiated.Add(response.UploadId);
            return response;
        }

        public override async Task<UploadPartResponse> UploadPartAsync(UploadPartRequest request, CancellationToken cancellationToken = default)
        {
            var response = await base.UploadPartAsync(request, cancellationToken);
            lock (PartsSent)
                PartsSent.Add(request.PartSize ?? -1);
            return response;
        }

        public override async Task<AbortMultipartUploadResponse> AbortMultipartUploadAsync(AbortMultipartUploadRequest request, CancellationToken cancellationToken = default)
        {
            lock (Aborted)
                Aborted.Add(request.UploadId);
            try
            {
                return await base.AbortMultipartUploadAsync(request, cancellationToken);
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
            {
                return new AbortMultipartUploadResponse(); // s3rver has no abort
            }
        }
    }

    private static async Task<(string Key, byte[] Wrapped)> PutAsync(EncryptedFileStore store, byte[] content)
    {
        await using var staged = await store.StageAsync(new MemoryStream(content), new CountingObserver(), CancellationToken.None);
        await staged.PublishAsync(CancellationToken.None);
        return (staged.StorageKey, staged.WrappedKey);
    }

    private static async Task<byte[]> ReadAllAsync(EncryptedFileStore store, string key, byte[] wrapped)
    {
        await using var stream = await store.OpenReadAsync(key, wrapped, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public void Dispose()
    {
        _masterKey.Dispose();
        MediVaultFactory.TryDelete(_directory);
    }

    private sealed class CountingObserver : IContentObserver
    {
        public long Seen { get; private set; }
        public void Observe(ReadOnlySpan<byte> piece) => Seen += piece.Length;
    }

    /// <summary>Hands out <paramref name="failAfter"/> bytes, then fails like a client that went away.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("The client went away.");
            var n = Math.Min(count, failAfter - _position);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
