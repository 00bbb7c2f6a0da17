using System.Security.Claims;
using MediVault.Application.Common.Access;
using MediVault.Infrastructure.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Infrastructure;

/// <summary>
/// Reads the SMART side of the current request from its principal: a session cookie is the web app itself; a bearer
/// token is the web app when it carries <c>medivault.api</c> and no SMART resource scope, and otherwise a SMART
/// client held to its scopes (docs/fhir.md "Authorization").
/// </summary>
internal sealed class HttpSmartCaller(IHttpContextAccessor accessor, IOpenIddictApplicationManager applications) : ISmartCaller
{
    private IReadOnlyList<SmartScope>? _scopes;

    private HttpContext? Context => accessor.HttpContext;
    private ClaimsPrincipal? Principal => Context?.User;
    private bool IsBearer =>
        Context?.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true;

    public bool IsFirstParty =>
        IsAuthenticated && (!IsBearer || (Scopes.Count == 0 && Principal!.HasScope(IdentityServices.ApiScope)));

    public IReadOnlyList<SmartScope> Scopes =>
        _scopes ??= IsAuthenticated && IsBearer ? SmartScope.ParseAll(Principal!.GetScopes()) : [];

    public string? ClientId =>
        !IsAuthenticated || !IsBearer ? null
        : Principal!.GetClaim(Claims.ClientId) ?? Principal!.GetPresenters().FirstOrDefault();

    public Guid? LaunchPatientId =>
        IsBearer && Guid.TryParse(Principal?.GetClaim("patient"), out var patientId) ? patientId : null;

    public async Task<string> ClientNameAsync(CancellationToken cancellationToken)
    {
        if (ClientId is not { } clientId)
            return "MediVault web app";
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        return application is null ? clientId : await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;
    }
}
