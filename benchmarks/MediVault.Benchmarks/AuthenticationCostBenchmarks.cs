using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MediVault.Infrastructure;
using MediVault.Infrastructure.Identity;
using MediVault.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;

namespace MediVault.Benchmarks;

/// <summary>
/// What one bearer request pays to be authenticated (issue 16). Before: the access token — a JWE like the app's
/// (RSA-OAEP key wrap, A256CBC-HS512, RS256 signature inside, about 1.9 KB) — is decrypted and its signature checked,
/// then the token row and the session (authorization) row are read from SQLite, as OpenIddict validation with
/// token-entry and authorization-entry validation does. After: <see cref="AuthorizationStateCache"/> finds the
/// principal by the token's SHA-256 and the request gets its own copy.
/// </summary>
[MemoryDiagnoser]
public class AuthenticationCostBenchmarks
{
    private readonly JsonWebTokenHandler _handler = new();
    private TokenValidationParameters _parameters = null!;
    private string _token = "";
    private string _folder = "";
    private AppDbContext _db = null!;
    private Guid _authorizationId;
    private Guid _tokenId;
    private AuthorizationStateCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        var signing = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "token-signing" };
        var encryption = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "token-encryption" };
        _authorizationId = Guid.CreateVersion7();
        _tokenId = Guid.CreateVersion7();
        var subject = Guid.CreateVersion7().ToString();
        _token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost/",
            Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity(
            [
                new Claim(OpenIddictConstants.Claims.Subject, subject),
                new Claim(OpenIddictConstants.Claims.Name, "Sakshi Verma"),
                new Claim(OpenIddictConstants.Claims.Email, "sakshi@example.com"),
                new Claim(MediVaultClaims.AccountType, "Patient"),
                new Claim("oi_au_id", _authorizationId.ToString()),
                new Claim("oi_tkn_id", _tokenId.ToString()),
                new Claim(OpenIddictConstants.Claims.Scope, "openid offline_access medivault.api"),
                new Claim(OpenIddictConstants.Claims.ClientId, IdentityServices.FirstPartyClientId),
            ]),
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
            EncryptingCredentials = new EncryptingCredentials(encryption, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512),
        });
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = "http://localhost/",
            ValidateAudience = false,
            IssuerSigningKey = signing,
            TokenDecryptionKey = encryption,
        };

        _folder = Path.Combine(Path.GetTempPath(), "medivault-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _db = new AppDbContext(BenchmarkDatabase.Options(DependencyInjection.ConnectionString(Path.Combine(_folder, "medivault.db"))));
        _db.Database.Migrate();
        var authorization = new OpenIddictEntityFrameworkCoreAuthorization<Guid>
        {
            Id = _authorizationId, Subject = subject, Status = OpenIddictConstants.Statuses.Valid, Type = OpenIddictConstants.AuthorizationTypes.AdHoc,
        };
        _db.Add(authorization);
        _db.Add(new OpenIddictEntityFrameworkCoreToken<Guid>
        {
            Id = _tokenId, Subject = subject, Status = OpenIddictConstants.Statuses.Valid, Type = "access_token", Authorization = authorization,
        });
        _db.SaveChanges();
        _db.ChangeTracker.Clear();

        _cache = new AuthorizationStateCache(TimeProvider.System);
        var principal = new ClaimsPrincipal(_handler.ValidateTokenAsync(_token, _parameters).GetAwaiter().GetResult().ClaimsIdentity);
        _cache.RememberToken(_token, principal, _cache.Version);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Before, part 1: decrypt the JWE and check its signature and lifetime.</summary>
    [Benchmark(Baseline = true)]
    public async Task<bool> Before_DecryptAndValidateJwe() =>
        (await _handler.ValidateTokenAsync(_token, _parameters)).IsValid;

    /// <summary>Before, part 2: read the token row and the session row (by primary key, as the OpenIddict stores do).</summary>
    [Benchmark]
    public async Task<bool> Before_ReadTokenAndSessionRows()
    {
        var token = await _db.Set<OpenIddictEntityFrameworkCoreToken<Guid>>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == _tokenId);
        var authorization = await _db.Set<OpenIddictEntityFrameworkCoreAuthorization<Guid>>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == _authorizationId);
        return token?.Status == OpenIddictConstants.Statuses.Valid && authorization?.Status == OpenIddictConstants.Statuses.Valid;
    }

    /// <summary>After: the remembered principal, found by the token's SHA-256, copied for the request.</summary>
    [Benchmark]
    public ClaimsPrincipal? After_RememberedToken() => _cache.FindToken(_token)?.Clone();
}
