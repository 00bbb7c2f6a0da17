using System.Text.Json;

namespace MediVault.Application.Identity.Passkeys;

/// <summary>
/// Passkeys (WebAuthn) as a sign-in option, on ASP.NET Core Identity's passkey support. A ceremony (registration or
/// sign-in) starts with options for <c>navigator.credentials.create/get</c> and an opaque, single-use ceremony id that
/// stands for its challenge for a few minutes; the browser's answer comes back with that id.
/// </summary>
public interface IPasskeys
{
    /// <summary>Options to create a passkey for the user. Throws ConflictException at <see cref="PasskeyRules.MaxPerAccount"/>.</summary>
    Task<PasskeyCeremony> BeginRegistrationAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Verifies the browser's new credential against the ceremony and keeps it under <paramref name="name"/>.</summary>
    Task<PasskeyDto> AddAsync(Guid userId, string ceremony, string credentialJson, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<PasskeyDto>> ListAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>One of the user's passkeys by its <see cref="PasskeyDto.Id"/>; NotFoundException for anyone else's or none.</summary>
    Task<PasskeyDto> GetAsync(Guid userId, string id, CancellationToken cancellationToken);

    /// <summary>Forgets one of the user's passkeys; NotFoundException for anyone else's or none.</summary>
    Task RemoveAsync(Guid userId, string id, string? keepSessionId, CancellationToken cancellationToken);

    /// <summary>Options to sign in with any passkey of this site (a discoverable credential: no account is named).</summary>
    Task<PasskeyCeremony> BeginSignInAsync(CancellationToken cancellationToken);
}

/// <summary>The start of a passkey ceremony.</summary>
/// <param name="Ceremony">Opaque and single-use: send it back with the browser's answer.</param>
/// <param name="Options">The <c>publicKey</c> options for <c>navigator.credentials.create()</c> or <c>get()</c>, in their JSON form (binary fields base64url).</param>
/// <param name="ExpiresIn">Seconds the ceremony stays usable.</param>
public sealed record PasskeyCeremony(string Ceremony, JsonElement Options, int ExpiresIn);

/// <summary>A passkey of the signed-in person. No key material: the id is a digest of the credential id.</summary>
/// <param name="Id">Stable, opaque id for <c>GET</c>/<c>DELETE /api/account/passkeys/{id}</c>.</param>
/// <param name="Name">The person's name for it ("Work laptop").</param>
/// <param name="CreatedAt">When it was added.</param>
/// <param name="BackedUp">The authenticator says it is synced or backed up (a passkey manager), not bound to one device.</param>
public sealed record PasskeyDto(string Id, string Name, DateTimeOffset CreatedAt, bool BackedUp);

/// <summary>The shape of what the passkey endpoints accept.</summary>
public static class PasskeyRules
{
    public const int MaxNameLength = 50;
    public const int MaxPerAccount = 10;
    public const int MaxCeremonyLength = 100;
    public const int MaxCredentialJsonLength = 12 * 1024;

    /// <summary>A name is printable text: no control characters.</summary>
    public static bool IsPrintable(string? name) => name is null || !name.Any(char.IsControl);
}
