using MediVault.Application.Common.Access;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// A patient has let a client in while OpenIddict holds a valid authorization of that client for them: the consent
/// from the authorization-code flow. Revoking it (Connected apps) ends it at once. Used for backend (system/) tokens.
/// </summary>
internal sealed class PatientConsents(IOpenIddictApplicationManager applications, IOpenIddictAuthorizationManager authorizations)
    : IPatientConsents
{
    public async Task<bool> HasAuthorizedAsync(Guid patientId, string clientId, CancellationToken cancellationToken)
    {
        if (clientId == IdentityServices.FirstPartyClientId)
            return false; // the web app's own sign-ins are sessions, never consents
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null || await applications.GetIdAsync(application, cancellationToken) is not { } applicationId)
            return false;
        await foreach (var _ in authorizations.FindAsync(
            patientId.ToString(), applicationId, Statuses.Valid, type: null, scopes: null, cancellationToken))
        {
            return true;
        }
        return false;
    }
}
