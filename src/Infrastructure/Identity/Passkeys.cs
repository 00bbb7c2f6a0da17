using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using MediVault.Application.Common.Exceptions;
using MediVault.Application.Identity.Passkeys;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Passkeys on ASP.NET Core Identity: <see cref="IPasskeyHandler{TUser}"/> makes the options and verifies the browser's
/// answers (challenge, origin, RP id, signature, user verification), <see cref="UserManager{TUser}"/> keeps them in
/// <c>AspNetUserPasskeys</c>. The ceremony state is ours (<see cref="PasskeyCeremonies"/>), not Identity's cookies,
/// because sessions here are OpenIddict authorizations (docs/decisions.md §100).
/// </summary>
internal sealed class Passkeys(
    UserManager<ApplicationUser> users, IPasskeyHandler<ApplicationUser> handler, PasskeyCeremonies ceremonies, IHttpContextAccessor http,
    SessionRevoker sessions)
    : IPasskeys
{
    public const string RegistrationExpired = "This passkey registration has expired or was already used. Start again.";
    public const string NotVerified = "The new passkey could not be verified. Start again, and create it on this site.";
    public const string AlreadyRegistered = "This passkey is already registered.";

    public async Task<PasskeyCeremony> BeginRegistrationAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        if ((await users.GetPasskeysAsync(user)).Count >= PasskeyRules.MaxPerAccount)
            throw new ConflictException($"An account may have at most {PasskeyRules.MaxPerAccount} passkeys. Remove one first.");
        var created = await handler.MakeCreationOptionsAsync(
            new PasskeyUserEntity { Id = user.Id.ToString(), Name = user.Email ?? user.Id.ToString(), DisplayName = user.FullName }, Context);
        return Ceremony(PasskeyCeremonyKind.Registration, userId, created.AttestationState, created.CreationOptionsJson);
    }

    public async Task<PasskeyDto> AddAsync(Guid userId, string ceremony, string credentialJson, string name, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        var state = ceremonies.Take(ceremony, PasskeyCeremonyKind.Registration, userId)
            ?? throw new ValidationFailedException("ceremony", RegistrationExpired);
        // Identity refuses a credential it already holds; say so plainly rather than "could not be verified".
        if (CredentialIdOf(credentialJson) is { } credentialId && await users.FindByPasskeyIdAsync(credentialId) is not null)
            throw new ConflictException(AlreadyRegistered);
        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext
        {
            CredentialJson = credentialJson,
            AttestationState = state,
            HttpContext = Context,
        });
        if (!result.Succeeded || result.UserEntity.Id != user.Id.ToString())
            throw new ValidationFailedException("credential", NotVerified);

        var passkey = result.Passkey;
        passkey.Name = name;
        var saved = await users.AddOrUpdatePasskeyAsync(user, passkey);
        if (!saved.Succeeded)
            throw new InvalidOperationException("The passkey could not be saved: " + string.Join(' ', saved.Errors.Select(e => e.Code)));
        return ToDto(passkey);
    }

    public async Task<IReadOnlyList<PasskeyDto>> ListAsync(Guid userId, CancellationToken cancellationToken) =>
        [.. (await users.GetPasskeysAsync(await FindAsync(userId))).OrderBy(p => p.CreatedAt).Select(ToDto)];

    public async Task<PasskeyDto> GetAsync(Guid userId, string id, CancellationToken cancellationToken) =>
        ToDto(await FindPasskeyAsync(await FindAsync(userId), id));

    public async Task RemoveAsync(Guid userId, string id, string? keepSessionId, CancellationToken cancellationToken)
    {
        var user = await FindAsync(userId);
        var passkey = await FindPasskeyAsync(user, id);
        var removed = await users.RemovePasskeyAsync(user, passkey.CredentialId);
        if (!removed.Succeeded)
            throw new InvalidOperationException("The passkey could not be removed: " + string.Join(' ', removed.Errors.Select(e => e.Code)));
        // The sessions it signed in end with it (a lost phone's passkey is removed to lock the phone out), except the
        // caller's own: removing the key of the device in hand does not sign that device out.
        await sessions.RevokeSignedInWithPasskeyAsync(userId, IdOf(passkey.CredentialId), keepSessionId, cancellationToken);
    }

    public async Task<PasskeyCeremony> BeginSignInAsync(CancellationToken cancellationToken)
    {
        var request = await handler.MakeRequestOptionsAsync(null, Context);
        return Ceremony(PasskeyCeremonyKind.SignIn, null, request.AssertionState, request.RequestOptionsJson);
    }

    /// <summary>The opaque id of a passkey: the first 128 bits of its credential id's SHA-256, in hex.</summary>
    public static string IdOf(byte[] credentialId) => Convert.ToHexStringLower(SHA256.HashData(credentialId))[..PasskeyIdRule.Length];

    /// <summary>The credential id a browser answer names (its <c>rawId</c>), or null when it names none readably.</summary>
    private static byte[]? CredentialIdOf(string credentialJson)
    {
        try
        {
            using var credential = JsonDocument.Parse(credentialJson);
            return credential.RootElement.TryGetProperty("rawId", out var rawId) && rawId.GetString() is { Length: > 0 and <= 1400 } text
                && Base64Url.IsValid(text) ? Base64Url.DecodeFromChars(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // rawId is not a string
        }
    }

    private static PasskeyDto ToDto(UserPasskeyInfo passkey) =>
        new(IdOf(passkey.CredentialId), passkey.Name ?? "Passkey", passkey.CreatedAt, passkey.IsBackedUp);

    private PasskeyCeremony Ceremony(PasskeyCeremonyKind kind, Guid? userId, string? state, string optionsJson)
    {
        var ceremony = ceremonies.Issue(kind, userId, state ?? throw new InvalidOperationException("Identity gave no ceremony state."));
        using var options = JsonDocument.Parse(optionsJson);
        return new PasskeyCeremony(ceremony, options.RootElement.Clone(), (int)PasskeyCeremonies.Lifetime.TotalSeconds);
    }

    private async Task<UserPasskeyInfo> FindPasskeyAsync(ApplicationUser user, string id) =>
        (await users.GetPasskeysAsync(user)).FirstOrDefault(p => IdOf(p.CredentialId) == id)
            ?? throw new NotFoundException("No passkey with this id.");

    private async Task<ApplicationUser> FindAsync(Guid userId) =>
        await users.FindByIdAsync(userId.ToString()) ?? throw new UnauthorizedException();

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("A passkey ceremony needs a request.");
}
