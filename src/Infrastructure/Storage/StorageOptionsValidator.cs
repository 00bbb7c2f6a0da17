using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Storage;

/// <summary>A bad storage setting stops start-up with the setting named.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new List<string>();
        if (!options.UsesS3 && !string.Equals(options.Provider, StorageOptions.FileSystemProvider, StringComparison.OrdinalIgnoreCase))
            problems.Add($"{StorageOptions.Section}:Provider must be '{StorageOptions.FileSystemProvider}' or '{StorageOptions.S3Provider}'.");
        if (options.UsesS3)
        {
            var s3 = options.S3;
            const string section = StorageOptions.Section + ":S3";
            if (string.IsNullOrWhiteSpace(s3.Bucket))
                problems.Add($"{section}:Bucket is required with the s3 provider.");
            if (!string.IsNullOrEmpty(s3.ServiceUrl) && !Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out _))
                problems.Add($"{section}:ServiceUrl is not an absolute URL.");
            if (string.IsNullOrEmpty(s3.AccessKey) != string.IsNullOrEmpty(s3.SecretKey))
                problems.Add($"{section}:AccessKey and {section}:SecretKey go together (or leave both out for the SDK's default credentials).");
            if (s3.PartSizeMiB is < 8 or > 64)
                problems.Add($"{section}:PartSizeMiB must be between 8 and 64.");
            if (s3.PartsInFlight is < 1 or > 8)
                problems.Add($"{section}:PartsInFlight must be between 1 and 8.");
            if (s3.SweepAfter < TimeSpan.Zero)
                problems.Add($"{section}:SweepAfter must not be negative.");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
