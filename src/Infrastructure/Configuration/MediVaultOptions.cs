namespace MediVault.Infrastructure.Configuration;

/// <summary>The <c>MediVault</c> configuration section. Validated at start-up; a bad value stops the app with the key named.</summary>
public sealed class MediVaultOptions
{
    public const string Section = "MediVault";

    /// <summary>Folder for the database, the encrypted file store and key material. Relative paths are under the content root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Seed the sample accounts. Defaults to on in Development, off otherwise.</summary>
    public bool? SeedSampleData { get; set; }

    /// <summary>Origin used in emergency QR links, e.g. https://vault.example. Defaults to the request's origin.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Base64 of a 32-byte master key. When absent, one is generated once into the data directory.</summary>
    public string? MasterKey { get; set; }

    public DatabaseOptions Database { get; set; } = new();
    public FileOptions Files { get; set; } = new();
    public RateLimitOptions RateLimits { get; set; } = new();
    public CorsOptions Cors { get; set; } = new();
    public TokenOptions Tokens { get; set; } = new();
    public LedgerOptions Ledger { get; set; } = new();
    public EmailOptions Email { get; set; } = new();

    /// <summary>OAuth integration clients (portals, back-end services).</summary>
    public List<IntegrationClientOptions> Clients { get; set; } = [];

    public sealed class DatabaseOptions
    {
        /// <summary>
        /// <c>sqlite</c> (the default: one file in the data directory) or <c>postgres</c> (the connection string
        /// <c>ConnectionStrings:MediVault</c>, shared by every instance).
        /// </summary>
        public string Provider { get; set; } = Persistence.DatabaseProviderNames.Sqlite;
    }

    public sealed class FileOptions
    {
        public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

        /// <summary>A download (or the part a Range asks for) up to this size is authenticated whole before its first byte is sent.</summary>
        public long VerifyBeforeSendBytes { get; set; } = 16L * 1024 * 1024;
    }

    public sealed class RateLimitOptions
    {
        /// <summary>Login, register and refresh requests per client address per minute; 0 switches the limit off.</summary>
        public int AuthPerMinute { get; set; } = 10;

        /// <summary>Anonymous emergency-code look-ups per client address per minute; 0 switches the limit off.</summary>
        public int QrAccessPerMinute { get; set; } = 30;

        /// <summary>Anonymous SMART Health Link requests (manifest, direct file, file location) per client address per minute; 0 switches the limit off.</summary>
        public int ShlPerMinute { get; set; } = 60;
    }

    public sealed class CorsOptions
    {
        public List<string> AllowedOrigins { get; set; } = [];
    }

    public sealed class TokenOptions
    {
        public int AccessTokenLifetimeSeconds { get; set; } = 900;
        public int RefreshTokenLifetimeSeconds { get; set; } = 14 * 86_400;

        /// <summary>Base64 of the RSA private key (PKCS#8 DER) that signs tokens. When absent, one is generated once into keys/.</summary>
        public string? SigningKey { get; set; }

        /// <summary>Base64 of the RSA private key (PKCS#8 DER) that encrypts tokens. When absent, one is generated once into keys/.</summary>
        public string? EncryptionKey { get; set; }
    }

    /// <summary>Outgoing email (password-reset links). docs/operations.md, "Email".</summary>
    public sealed class EmailOptions
    {
        /// <summary>
        /// <c>smtp</c> or <c>pickup</c> (write .eml files into <c>&lt;data&gt;/mail-pickup</c>). Default: <c>smtp</c> when
        /// <c>Smtp:Host</c> is set, else <c>pickup</c> in Development and Testing, else none (mail is not sent; a warning is logged).
        /// </summary>
        public string? Delivery { get; set; }

        public SmtpOptions Smtp { get; set; } = new();
    }

    public sealed class SmtpOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>Implicit TLS from the first byte (port 465).</summary>
        public bool UseTls { get; set; }
        /// <summary>STARTTLS, required (port 587). Ignored when <see cref="UseTls"/> is on.</summary>
        public bool StartTls { get; set; } = true;
        public string? User { get; set; }
        public string? Password { get; set; }
        /// <summary>The sender, e.g. <c>MediVault &lt;no-reply@clinic.example&gt;</c>.</summary>
        public string From { get; set; } = "MediVault <no-reply@localhost>";
    }

    public sealed class LedgerOptions
    {
        /// <summary>The checkpoints' origin line and the signing key's name. Defaults to PublicBaseUrl's host + "/ledger".</summary>
        public string? Origin { get; set; }

        /// <summary>Base64 of the 32-byte Ed25519 seed that signs checkpoints. When absent, one is generated once into keys/.</summary>
        public string? SigningKey { get; set; }

        /// <summary>The least time between two signed checkpoints, in milliseconds.</summary>
        public int CheckpointIntervalMs { get; set; } = 1000;
    }

    public sealed class IntegrationClientOptions
    {
        public string ClientId { get; set; } = "";

        /// <summary>Set for confidential clients (client_credentials); absent for public PKCE clients.</summary>
        public string? ClientSecret { get; set; }

        public string? DisplayName { get; set; }

        /// <summary>Where the authorization_code flow may send the user back to.</summary>
        public List<string> RedirectUris { get; set; } = [];

        /// <summary>
        /// SMART system scopes (<c>system/*.rs</c>, <c>system/Patient.rs</c>, …) a confidential client may ask for with
        /// client_credentials. Granted by this configuration only; none by default.
        /// </summary>
        public List<string> SystemScopes { get; set; } = [];
    }
}
