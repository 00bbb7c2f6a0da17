using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace MediVault.Infrastructure.Storage;

/// <summary>The S3 client for <c>MediVault:Storage:S3</c>.</summary>
internal static class S3Client
{
    public static IAmazonS3 Create(StorageOptions.S3Options options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where an operation needs one: some S3-compatible stores (s3rver) would otherwise keep the
            // trailing-checksum framing as object bytes. The blob format authenticates every chunk anyway (decisions #56).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
