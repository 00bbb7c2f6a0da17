using MediVault.Application.Common.Abstractions;
using MediVault.Application.Common.Access;
using MediVault.Application.Common.Exceptions;
using MediVault.Domain.Audit;
using MediVault.Domain.Identity;

namespace MediVault.Application.Fhir;

/// <summary>
/// The FHIR API's gate: the token's SMART scopes first, then the same <see cref="IRecordAccess"/> rules as the rest of
/// the API. A backend client (client_credentials, no user) needs a <c>system/</c> scope and a patient who connected it.
/// Rules: docs/fhir.md "Authorization".
/// </summary>
public sealed class FhirAccess(ISmartCaller caller, ICurrentUser currentUser, IRecordAccess records, IPatientConsents consents)
{
    private const int MaxActorNameLength = 200;

    /// <summary>
    /// Returns who is reading when every one of <paramref name="resourceTypes"/> may be read with
    /// <paramref name="permission"/> for the patient; throws 401, 403 (the token lacks a scope) or 404 (the patient is
    /// not reachable, and the caller learns nothing) otherwise.
    /// </summary>
    public async Task<AccessActor> EnsureAsync(
        Guid patientId, RecordAction action, SmartPermissions permission, IReadOnlyCollection<string> resourceTypes, CancellationToken cancellationToken)
    {
        if (!caller.IsAuthenticated)
            throw new UnauthorizedException("A bearer token or a session is required.");

        if (currentUser.UserId is not { } userId)
            return await EnsureBackendClientAsync(patientId, permission, resourceTypes, cancellationToken);

        if (!caller.IsFirstParty)
            EnsureUserScopes(userId, patientId, permission, resourceTypes);
        var role = await records.EnsureAsync(patientId, action, cancellationToken);
        var name = caller.IsFirstParty ? currentUser.FullName : $"{currentUser.FullName} via {await caller.ClientNameAsync(cancellationToken)}";
        return new AccessActor(userId, Truncate(name), role);
    }

    /// <summary>
    /// A user's SMART token: some <c>user/</c> or <c>patient/</c> scope must allow each type; a <c>patient/</c> scope
    /// reaches only the patient in context.
    /// </summary>
    private void EnsureUserScopes(Guid userId, Guid patientId, SmartPermissions permission, IReadOnlyCollection<string> resourceTypes)
    {
        var contextPatient = caller.LaunchPatientId ?? (currentUser.AccountType == AccountType.Patient ? userId : null);
        foreach (var type in resourceTypes)
        {
            var allowing = caller.Scopes.Where(s => s.Context != SmartContext.System && s.Allows(type, permission)).ToList();
            if (allowing.Count == 0)
                throw new ForbiddenException(MissingScope(type, permission, "user/ or patient/"));
            if (!allowing.Any(s => s.Context == SmartContext.User || contextPatient == patientId))
                throw new NotFoundException();
        }
    }

    private async Task<AccessActor> EnsureBackendClientAsync(
        Guid patientId, SmartPermissions permission, IReadOnlyCollection<string> resourceTypes, CancellationToken cancellationToken)
    {
        var clientId = caller.ClientId ?? throw new UnauthorizedException("A bearer token or a session is required.");
        foreach (var type in resourceTypes)
        {
            if (!caller.Scopes.Any(s => s.Context == SmartContext.System && s.Allows(type, permission)))
                throw new ForbiddenException(
                    MissingScope(type, permission, "system/") + " A client is granted system scopes only by the server's configuration.");
        }
        if (!await consents.HasAuthorizedAsync(patientId, clientId, cancellationToken))
            throw new NotFoundException();
        return new AccessActor(null, Truncate(await caller.ClientNameAsync(cancellationToken)), ActorRole.System);
    }

    private static string MissingScope(string type, SmartPermissions permission, string contexts) =>
        $"The token holds no {contexts} scope that allows {(permission == SmartPermissions.Search ? "searching" : "reading")} {type}.";

    private static string Truncate(string name) => name.Length <= MaxActorNameLength ? name : name[..MaxActorNameLength];
}
