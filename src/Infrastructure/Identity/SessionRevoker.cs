using System.Text.Json;
using OpenIddict.Abstractions;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// Ends sessions. A session is an OpenIddict authorization: its access tokens, refresh tokens and the browser
/// cookie that names it all stop working once it is revoked.
/// </summary>
public sealed class SessionRevoker(
    IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens, AuthorizationStateCache checkedSessions,
    SharedState.RevocationFeed revocations)
{
    public async Task RevokeAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (await authorizations.FindByIdAsync(sessionId, cancellationToken) is { } authorization)
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        await tokens.RevokeByAuthorizationIdAsync(sessionId, cancellationToken);
    }

    /// <summary>The session property that names the passkey a session was signed in with.</summary>
    private const string PasskeyProperty = "medivault_passkey";

    /// <summary>
    /// Notes on the session which passkey signed it in (its opaque id, as the account's passkey list shows it), so that
    /// removing that passkey ends the session (<see cref="RevokeSignedInWithPasskeyAsync"/>).
    /// </summary>
    public async Task MarkSignedInWithPasskeyAsync(string sessionId, string passkeyId, CancellationToken cancellationToken)
    {
        var authorization = await authorizations.FindByIdAsync(sessionId, cancellationToken)
            ?? throw new InvalidOperationException("The new session is missing.");
        var descriptor = new OpenIddictAuthorizationDescriptor();
        await authorizations.PopulateAsync(descriptor, authorization, cancellationToken);
        descriptor.Properties[PasskeyProperty] = JsonSerializer.SerializeToElement(passkeyId);
        await authorizations.UpdateAsync(authorization, descriptor, cancellationToken);
    }

    /// <summary>
    /// Revokes every session of the user that was signed in with the passkey <paramref name="passkeyId"/>, except
    /// <paramref name="keepSessionId"/>.
    /// </summary>
    public async Task RevokeSignedInWithPasskeyAsync(Guid userId, string passkeyId, string? keepSessionId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId.ToString(), cancellationToken))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            if (IsSignedInWith(properties, passkeyId) && await authorizations.GetIdAsync(authorization, cancellationToken) is { } id
                && id != keepSessionId)
                ids.Add(id);
        }
        foreach (var id in ids)
            await RevokeAsync(id, cancellationToken);
    }

    private static bool IsSignedInWith(System.Collections.Immutable.ImmutableDictionary<string, JsonElement> properties, string passkeyId) =>
        properties.TryGetValue(PasskeyProperty, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() == passkeyId;

    /// <summary>Revokes every session of the user except <paramref name="keepSessionId"/>.</summary>
    public async Task RevokeAllAsync(Guid userId, string? keepSessionId, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(userId.ToString(), cancellationToken))
        {
            if (await authorizations.GetIdAsync(authorization, cancellationToken) is { } id && id != keepSessionId)
                ids.Add(id);
        }
        foreach (var id in ids)
            await RevokeAsync(id, cancellationToken);
    }

    /// <summary>
    /// Whether the session is still valid: from <see cref="AuthorizationStateCache"/> when it was read lately and no
    /// instance has revoked it since (<see cref="SharedState.RevocationFeed"/>), else from the database.
    /// </summary>
    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken cancellationToken)
    {
        await revocations.CatchUpAsync(cancellationToken);
        if (checkedSessions.IsKnownActiveSession(sessionId))
            return true;
        var version = checkedSessions.Version;
        if (await authorizations.FindByIdAsync(sessionId, cancellationToken) is not { } authorization
            || !await authorizations.HasStatusAsync(authorization, OpenIddictConstants.Statuses.Valid, cancellationToken))
            return false;
        checkedSessions.RememberActiveSession(sessionId, await authorizations.GetSubjectAsync(authorization, cancellationToken), version);
        return true;
    }
}
