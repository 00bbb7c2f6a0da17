namespace MediVault.Infrastructure.Storage;

/// <summary>The <c>MediVault:Storage</c> section: where the encrypted blobs live (docs/storage.md, docs/deployment.md).</summary>
public sealed class StorageOptions
{
    public const string Section = "MediVault:Storage";
    public const string FileSystemProvider = "filesystem";
    public const string S3Provider = "s3";

    /// <summary><c>filesystem</c> (the default: <c>blobs/</c> in the data directory) or <c>s3</c>.</summary>
    public string Provider { get; set; } = FileSystemProvider;

    public S3Options S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(Provider, S3Provider, StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>MediVault:Storage:S3</c> section.</summary>
    public sealed class S3Options
    {
        /// <summary>The endpoint of an S3-compatible store, e.g. https://minio.internal:9000. Absent for AWS itself (then <see cref="Region"/> picks the endpoint).</summary>
        public string? ServiceUrl { get; set; }

        public string Bucket { get; set; } = "";

        /// <summary>The signing region (AWS: the bucket's region). Defaults to us-east-1, which most S3-compatible stores accept.</summary>
        public string Region { get; set; } = "us-east-1";

        /// <summary>Access key id; with <see cref="SecretKey"/>. When both are absent the SDK's default chain is used (environment, instance role).</summary>
        public string? AccessKey { get; set; }

        public string? SecretKey { get; set; }

        /// <summary>Path-style addressing (<c>https://host/bucket/key</c>), which MinIO, Ceph RGW, Garage and s3rver need.</summary>
        public bool ForcePathStyle { get; set; } = true;

        /// <summary>Multipart part size in MiB, 8 to 64. An upload holds at most <see cref="PartsInFlight"/> + 1 parts in memory.</summary>
        public int PartSizeMiB { get; set; } = 8;

        /// <summary>Parts sent at the same time, 1 to 8.</summary>
        public int PartsInFlight { get; set; } = 2;

        /// <summary>
        /// How old an incomplete multipart upload or an object no file row points to must be before a start-up sweep
        /// removes it: other instances may be in the middle of an upload meanwhile.
        /// </summary>
        public TimeSpan SweepAfter { get; set; } = TimeSpan.FromHours(24);
    }
}
