using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using MediVault.Application.Common.Abstractions;

namespace MediVault.Infrastructure.Storage;

/// <summary>
/// Blobs as objects <c>blobs/&lt;first two hex digits&gt;/&lt;storage key&gt;</c> in one bucket of an S3-compatible store
/// (docs/storage.md, "S3 backend"). A staged write is an open multipart upload: it streams in parts of
/// <see cref="StorageOptions.S3Options.PartSizeMiB"/>, never holding the whole blob, and the object appears only when
/// the upload is completed (the commit); a write disposed uncommitted is aborted. Reads are ranged GETs.
/// </summary>
internal sealed class S3BlobBackend(IAmazonS3 s3, StorageOptions.S3Options options) : IBlobBackend, IDisposable
{
    public const string Prefix = "blobs/";
    private const int InitialReadWindow = 256 * 1024;
    private const int MaxReadWindow = 8 * 1024 * 1024;

    private readonly IAmazonS3 _s3 = s3;
    private readonly string _bucket = options.Bucket;
    private readonly int _partSize = PartSizeOf(options);
    private readonly int _partsInFlight = PartsInFlightOf(options);
    private readonly PartBuffers _partBuffers = new(PartSizeOf(options), PartsInFlightOf(options) + 1);
    private readonly bool _signPayload = !(options.ServiceUrl ?? "https:").StartsWith("https:", StringComparison.OrdinalIgnoreCase);

    public TimeSpan SweepGrace => options.SweepAfter;

    /// <summary>
    /// How long a commit waits, between looks, for a completed upload to be served whole. AWS S3 serves it at once;
    /// s3rver answers the completion before its last write reaches the disk, so for a moment it reports a shorter
    /// (or empty) object. About 1.6 s in all.
    /// </summary>
    internal IReadOnlyList<TimeSpan> SettleDelays { get; init; } =
    [
        TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100),
        TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800),
    ];

    private static int PartSizeOf(StorageOptions.S3Options options) => Math.Clamp(options.PartSizeMiB, 8, 64) * 1024 * 1024;

    private static int PartsInFlightOf(StorageOptions.S3Options options) => Math.Clamp(options.PartsInFlight, 1, 8);

    public static string ObjectKey(string storageKey) => Prefix + StorageKeys.Require(storageKey)[..2] + "/" + storageKey;

    /// <summary>The last segment of an object key: the storage key, when the object is one of ours.</summary>
    private static string NameIn(string objectKey) => objectKey[(objectKey.LastIndexOf('/') + 1)..];

    private static string? StorageKeyOf(string objectKey)
    {
        var name = NameIn(objectKey);
        return objectKey.StartsWith(Prefix, StringComparison.Ordinal) && StorageKeys.IsValid(name) && objectKey == Prefix + name[..2] + "/" + name
            ? name : null;
    }

    public async Task<IBlobWrite> BeginWriteAsync(string storageKey, CancellationToken cancellationToken)
    {
        var key = ObjectKey(storageKey);
        var started = await Call(() => _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key }, cancellationToken));
        return new MultipartWrite(this, key, started.UploadId);
    }

    public async Task<IBlobReader> OpenAsync(string storageKey, CancellationToken cancellationToken)
    {
        var key = ObjectKey(storageKey);
        var metadata = await HeadAsync(key, cancellationToken);
        return new RangedReader(this, key, metadata.ContentLength);
    }

    /// <summary>The object's metadata; a missing object is <see cref="BlobNotFoundException"/>.</summary>
    private Task<GetObjectMetadataResponse> HeadAsync(string key, CancellationToken cancellationToken) =>
        Call(() => _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken), NameIn(key));

    /// <summary>
    /// Waits until the store serves the object at <paramref name="key"/> with all <paramref name="length"/> bytes, so that
    /// a file is never recorded while its bytes cannot be read yet. A store that does not within
    /// <see cref="SettleDelays"/> loses the object and the upload fails as unavailable.
    /// </summary>
    private async Task AwaitWholeAsync(string key, long length, CancellationToken cancellationToken)
    {
        for (var look = 0; ; look++)
        {
            long? served;
            try
            {
                served = (await HeadAsync(key, cancellationToken)).ContentLength;
            }
            catch (BlobNotFoundException)
            {
                served = null;
            }
            if (served == length)
                return;
            if (look == SettleDelays.Count)
            {
                await DeleteAsync(NameIn(key), CancellationToken.None);
                throw new BlobStoreUnavailableException(
                    $"The object store completed the upload but serves {(served is { } n ? $"{n} of its {length} bytes" : "no object")}.");
            }
            await Task.Delay(SettleDelays[look], cancellationToken);
        }
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken)
    {
        var key = ObjectKey(storageKey);
        return Call(() => _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken));
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = Prefix, ContinuationToken = token };
            var page = await Call(() => _s3.ListObjectsV2Async(request, cancellationToken));
            foreach (var item in page.S3Objects ?? [])
            {
                if (StorageKeyOf(item.Key) is { } storageKey)
                    yield return new StoredBlob(storageKey, item.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime()) : DateTimeOffset.MinValue);
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public async Task<int?> SweepStagedAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken)
    {
        var removed = 0;
        string? keyMarker = null, uploadMarker = null;
        do
        {
            var request = new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = Prefix, KeyMarker = keyMarker, UploadIdMarker = uploadMarker };
            ListMultipartUploadsResponse page;
            try
            {
                page = await _s3.ListMultipartUploadsAsync(request, cancellationToken);
            }
            catch (AmazonS3Exception ex) when (IsUnsupported(ex))
            {
                return null; // e.g. s3rver: it keeps no list of uploads (and cannot abort one either)
            }
            catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
            {
                throw new BlobStoreUnavailableException("The object store refused the request or did not answer.", ex);
            }
            foreach (var upload in page.MultipartUploads ?? [])
            {
                var initiated = upload.Initiated is { } at ? new DateTimeOffset(at.ToUniversalTime()) : DateTimeOffset.MinValue;
                if (initiated >= startedBefore || StorageKeyOf(upload.Key) is null)
                    continue;
                await AbortAsync(upload.Key, upload.UploadId, cancellationToken);
                removed++;
            }
            (keyMarker, uploadMarker) = page.IsTruncated == true ? (page.NextKeyMarker, page.NextUploadIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        return removed;
    }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _s3.Dispose();

    private static bool IsUnsupported(AmazonS3Exception ex) =>
        ex.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed;

    private Task<AbortMultipartUploadResponse> AbortAsync(string key, string uploadId, CancellationToken cancellationToken) =>
        Call(() => _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId }, cancellationToken));

    /// <summary>
    /// Runs one request; a store that refuses or does not answer leaves this layer as
    /// <see cref="BlobStoreUnavailableException"/>, a missing object (when <paramref name="storageKey"/> is given) as
    /// <see cref="BlobNotFoundException"/>. The SDK itself retries throttling and transient network faults first.
    /// </summary>
    private static async Task<T> Call<T>(Func<Task<T>> request, string? storageKey = null)
    {
        try
        {
            return await request();
        }
        catch (AmazonS3Exception ex) when (storageKey is not null && ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BlobNotFoundException(storageKey);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException)
        {
            throw new BlobStoreUnavailableException("The object store refused the request or did not answer.", ex);
        }
    }

    /// <summary>
    /// The write side of a multipart upload: bytes fill one part buffer; a full buffer is sent in the background while
    /// the next fills, at most <c>PartsInFlight</c> at a time, so memory stays at (PartsInFlight + 1) × part size.
    /// The part buffers come from <see cref="PartBuffers"/>, not the shared <see cref="ArrayPool{T}"/>: that pool keeps a
    /// returned array in the returning thread's own slot first, and parts are sent from pool threads, so it kept about one
    /// part-sized array per thread that ever sent a part, and the peak RSS of repeated uploads kept growing.
    /// </summary>
    private sealed class MultipartWrite(S3BlobBackend backend, string key, string uploadId) : Stream, IBlobWrite
    {
        private readonly SemaphoreSlim _slots = new(backend._partsInFlight);
        private readonly List<Task<PartETag>> _parts = [];
        private byte[]? _buffer;
        private int _filled;
        private long _length;
        private bool _committed;
        private bool _disposed;

        public Stream Content => this;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                _buffer ??= backend._partBuffers.Rent();
                var count = Math.Min(buffer.Length, backend._partSize - _filled);
                buffer[..count].CopyTo(_buffer.AsMemory(_filled));
                _filled += count;
                _length += count;
                buffer = buffer[count..];
                if (_filled == backend._partSize)
                    await SendPartAsync(cancellationToken);
            }
        }

        /// <summary>Hands the full (or last) buffer to a background send once a slot is free; a failed send fails the next write.</summary>
        private async Task SendPartAsync(CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken);
            var failed = _parts.FirstOrDefault(p => p.IsFaulted);
            if (failed is not null)
            {
                _slots.Release();
                await failed; // throws the send's failure
            }
            var (part, length, number) = (_buffer!, _filled, _parts.Count + 1);
            _buffer = null;
            _filled = 0;
            _parts.Add(Task.Run(() => UploadPartAsync(part, length, number, cancellationToken), CancellationToken.None));
        }

        private async Task<PartETag> UploadPartAsync(byte[] part, int length, int number, CancellationToken cancellationToken)
        {
            try
            {
                using var body = new MemoryStream(part, 0, length, writable: false);
                var sent = await Call(() => backend._s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = backend._bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = body,
                    // s3rver (and some other stores) would keep aws-chunked framing as object bytes (decisions #56).
                    UseChunkEncoding = false,
                    DisablePayloadSigning = backend._signPayload ? null : true,
                }, cancellationToken));
                return new PartETag(number, sent.ETag);
            }
            finally
            {
                backend._partBuffers.Return(part);
                _slots.Release();
            }
        }

        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            if (_filled > 0 || _parts.Count == 0)
                await SendPartAsync(cancellationToken);
            await Task.WhenAll(_parts);
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            var parts = _parts.Select(p => p.Result).ToList();
            await Call(() => backend._s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = backend._bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken));
            _committed = true; // nothing left to abort: from here on, the object exists
            await backend.AwaitWholeAsync(key, _length, cancellationToken);
        }

        public override async ValueTask DisposeAsync()
        {
            await CleanUpAsync();
            await base.DisposeAsync();
        }

        /// <summary>Lets go of the buffers and, unless committed, aborts the upload; once.</summary>
        private async Task CleanUpAsync()
        {
            if (_disposed)
                return;
            _disposed = true;
            // Never let go of a buffer while a send may still read it.
            await ((Task)Task.WhenAll(_parts)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_buffer is not null)
                backend._partBuffers.Return(_buffer);
            _buffer = null;
            _slots.Dispose();
            if (!_committed)
            {
                try
                {
                    await backend.AbortAsync(key, uploadId, CancellationToken.None);
                }
                catch (BlobStoreUnavailableException)
                {
                    // The start-up sweep aborts it later (after SweepAfter), and so does a bucket lifecycle rule.
                }
            }
        }

        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                CleanUpAsync().GetAwaiter().GetResult();
            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Reads by position through ranged GETs. A read that continues where the last one stopped goes on reading the
    /// open response, whose window doubles (256 KiB up to 8 MiB), so a whole download costs few requests and a
    /// <c>Range</c> request fetches little more than it needs.
    /// </summary>
    private sealed class RangedReader(S3BlobBackend backend, string key, long length) : IBlobReader
    {
        private GetObjectResponse? _response;
        private long _position;
        private long _end;
        private int _window = InitialReadWindow;

        public long Length => length;

        public async ValueTask<int> ReadAtAsync(Memory<byte> buffer, long offset, CancellationToken cancellationToken)
        {
            var total = 0;
            while (!buffer.IsEmpty && offset < length)
            {
                if (_response is null || offset != _position || _position >= _end)
                    await OpenWindowAsync(offset, buffer.Length, cancellationToken);
                var count = (int)Math.Min(buffer.Length, _end - _position);
                int read;
                try
                {
                    read = await _response!.ResponseStream.ReadAsync(buffer[..count], cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    Close();
                    throw new BlobStoreUnavailableException("The object store stopped sending.", ex);
                }
                if (read == 0)
                {
                    Close();
                    break; // shorter than announced: the caller's length arithmetic names it
                }
                _position += read;
                offset += read;
                total += read;
                buffer = buffer[read..];
            }
            return total;
        }

        public int ReadAt(Span<byte> buffer, long offset)
        {
            var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                var read = ReadAtAsync(rented.AsMemory(0, buffer.Length), offset, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                rented.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }

        private async Task OpenWindowAsync(long offset, int atLeast, CancellationToken cancellationToken)
        {
            var sequential = _response is not null && offset == _position;
            Close();
            _window = sequential ? Math.Min(_window * 2, MaxReadWindow) : InitialReadWindow;
            var end = Math.Min(length, offset + Math.Max(_window, atLeast));
            _response = await Call(() => backend._s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = backend._bucket,
                Key = key,
                ByteRange = new ByteRange(offset, end - 1),
            }, cancellationToken), NameIn(key));
            (_position, _end) = (offset, end);
        }

        private void Close()
        {
            _response?.Dispose();
            _response = null;
        }

        public void Dispose() => Close();
    }
}
