namespace MediVault.Application.Common.Access;

/// <summary>
/// What the current request's credentials say about SMART on FHIR: which OAuth client sent it and what its token's
/// scopes allow. Filled by the web layer from the authenticated principal.
/// </summary>
public interface ISmartCaller
{
    /// <summary>False for an anonymous request.</summary>
    bool IsAuthenticated { get; }

    /// <summary>
    /// The web app itself: a session cookie, or a token that carries no SMART resource scope (the full-API
    /// <c>medivault.api</c> scope). Such a caller reads under <see cref="IRecordAccess"/> alone.
    /// </summary>
    bool IsFirstParty { get; }

    /// <summary>The token's SMART resource scopes (empty for a first-party caller).</summary>
    IReadOnlyList<SmartScope> Scopes { get; }

    /// <summary>The OAuth client the token was issued to; null for a session cookie.</summary>
    string? ClientId { get; }

    /// <summary>The patient in context (<c>patient</c> in the token), when the token names one.</summary>
    Guid? LaunchPatientId { get; }

    /// <summary>The client's display name, for the patient's access log.</summary>
    Task<string> ClientNameAsync(CancellationToken cancellationToken);
}

/// <summary>Whether a patient has let an OAuth client in: an authorization (consent) they gave it and have not revoked.</summary>
public interface IPatientConsents
{
    Task<bool> HasAuthorizedAsync(Guid patientId, string clientId, CancellationToken cancellationToken);
}

/// <summary>Who acted, as the access log records it.</summary>
public sealed record AccessActor(Guid? Id, string Name, Domain.Audit.ActorRole Role);
