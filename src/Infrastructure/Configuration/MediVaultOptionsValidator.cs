using Microsoft.Extensions.Options;

namespace MediVault.Infrastructure.Configuration;

/// <summary>Checks the whole <c>MediVault</c> section at start-up; each failure names its full configuration key.</summary>
internal sealed class MediVaultOptionsValidator : IValidateOptions<MediVaultOptions>
{
    public ValidateOptionsResult Validate(string? name, MediVaultOptions options)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok)
                failures.Add($"MediVault:{key} {rule}");
        }

        Check(!string.IsNullOrWhiteSpace(options.DataDirectory), "DataDirectory", "must name a folder.");
        Check(options.PublicBaseUrl is null || IsOrigin(options.PublicBaseUrl, allowPath: true), "PublicBaseUrl",
            "must be an absolute http(s) URL such as https://vault.example.");
        Check(options.MasterKey is null || IsKey(options.MasterKey), "MasterKey", "must be the base64 encoding of exactly 32 bytes.");
        Check(Persistence.DatabaseProviderNames.IsKnown(options.Database.Provider), "Database:Provider", "must be sqlite or postgres.");
        Check(options.Tokens.SigningKey is null || Identity.KeyMaterial.IsValid(options.Tokens.SigningKey), "Tokens:SigningKey",
            "must be the base64 of an RSA private key of 2048 bits or more in DER, PKCS#8 or PKCS#1 (openssl genpkey -algorithm RSA -outform DER | base64 -w0).");
        Check(options.Tokens.EncryptionKey is null || Identity.KeyMaterial.IsValid(options.Tokens.EncryptionKey), "Tokens:EncryptionKey",
            "must be the base64 of an RSA private key of 2048 bits or more in DER, PKCS#8 or PKCS#1 (openssl genpkey -algorithm RSA -outform DER | base64 -w0).");
        if (Persistence.DatabaseProviderNames.IsPostgres(options.Database.Provider))
        {
            // Several instances share one database: no secret may exist only on one instance's disk (docs/deployment.md).
            const string Shared = "must be set when Database:Provider is postgres, so that every instance uses the same key.";
            Check(options.MasterKey is not null, "MasterKey", Shared);
            Check(options.Ledger.SigningKey is not null, "Ledger:SigningKey", Shared);
            Check(options.Tokens.SigningKey is not null, "Tokens:SigningKey", Shared);
            Check(options.Tokens.EncryptionKey is not null, "Tokens:EncryptionKey", Shared);
        }
        Check(options.Files.MaxUploadBytes >= 1, "Files:MaxUploadBytes", "must be at least 1.");
        Check(options.Files.VerifyBeforeSendBytes >= 0, "Files:VerifyBeforeSendBytes", "must be 0 (stream everything) or more.");
        Check(options.RateLimits.AuthPerMinute >= 0, "RateLimits:AuthPerMinute", "must be 0 (off) or more.");
        Check(options.RateLimits.QrAccessPerMinute >= 0, "RateLimits:QrAccessPerMinute", "must be 0 (off) or more.");
        Check(options.Tokens.AccessTokenLifetimeSeconds is >= 60 and <= 86_400, "Tokens:AccessTokenLifetimeSeconds", "must be between 60 and 86400.");
        Check(options.Tokens.RefreshTokenLifetimeSeconds is >= 300 and <= 5_184_000, "Tokens:RefreshTokenLifetimeSeconds", "must be between 300 and 5184000.");
        Check(options.Ledger.Origin is null || Ledger.Transparency.NoteKeys.IsValidName(options.Ledger.Origin), "Ledger:Origin",
            "must be non-empty, without spaces or '+' (e.g. vault.example/ledger).");
        Check(options.Ledger.SigningKey is null || IsKey(options.Ledger.SigningKey), "Ledger:SigningKey", "must be the base64 encoding of exactly 32 bytes.");
        Check(options.Ledger.CheckpointIntervalMs is >= 0 and <= 3_600_000, "Ledger:CheckpointIntervalMs", "must be between 0 and 3600000.");
        Check(options.Email.Delivery is null or "smtp" or "pickup", "Email:Delivery", "must be smtp or pickup.");
        Check(options.Email.Delivery != "smtp" || !string.IsNullOrWhiteSpace(options.Email.Smtp.Host), "Email:Smtp:Host", "is required when Email:Delivery is smtp.");
        Check(options.Email.Smtp.Port is >= 1 and <= 65_535, "Email:Smtp:Port", "must be between 1 and 65535.");
        Check(MimeKit.MailboxAddress.TryParse(options.Email.Smtp.From, out _), "Email:Smtp:From", "must be an email address such as MediVault <no-reply@clinic.example>.");
        for (var i = 0; i < options.Cors.AllowedOrigins.Count; i++)
            Check(IsOrigin(options.Cors.AllowedOrigins[i], allowPath: false), $"Cors:AllowedOrigins:{i}",
                "must be an origin such as https://portal.example (no wildcard, no path).");
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            Check(!string.IsNullOrWhiteSpace(client.ClientId), $"Clients:{i}:ClientId", "is required.");
            Check(client.ClientSecret is null || client.ClientSecret.Length >= 16, $"Clients:{i}:ClientSecret", "must be at least 16 characters.");
            Check(client.ClientSecret is not null || client.RedirectUris.Count > 0, $"Clients:{i}",
                "needs a ClientSecret (client_credentials) or RedirectUris (authorization_code with PKCE).");
            for (var j = 0; j < client.RedirectUris.Count; j++)
                Check(Uri.TryCreate(client.RedirectUris[j], UriKind.Absolute, out _), $"Clients:{i}:RedirectUris:{j}", "must be an absolute URI.");
            Check(client.SystemScopes.Count == 0 || client.ClientSecret is not null, $"Clients:{i}:SystemScopes",
                "needs a ClientSecret: only a confidential client acting for itself (client_credentials) holds system scopes.");
            for (var j = 0; j < client.SystemScopes.Count; j++)
                Check(Identity.OAuthScopes.IsGrantableSystemScope(client.SystemScopes[j]), $"Clients:{i}:SystemScopes:{j}",
                    "must be a SMART system scope MediVault supports, such as system/*.rs or system/DocumentReference.rs.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsOrigin(string value, bool allowPath) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && !value.Contains('*', StringComparison.Ordinal)
        && (allowPath || uri.AbsolutePath == "/") && string.IsNullOrEmpty(uri.Query);

    private static bool IsKey(string value)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
