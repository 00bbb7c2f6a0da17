using System.Security.Claims;
using MediVault.Application.Common.Abstractions;
using MediVault.Domain.Identity;
using MediVault.Infrastructure.Identity;

namespace MediVault.WebApi.Infrastructure;

/// <summary>The caller of the current HTTP request, read from the authenticated principal's claims.</summary>
internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private HttpContext? Context => accessor.HttpContext;
    private ClaimsPrincipal? Principal => Context?.User;

    public Guid? UserId =>
        Principal?.Identity?.IsAuthenticated == true && Guid.TryParse(Principal.FindFirstValue(MediVaultClaims.Subject), out var id)
            ? id
            : null;

    public AccountType? AccountType =>
        Enum.TryParse<AccountType>(Principal?.FindFirstValue(MediVaultClaims.AccountType), ignoreCase: true, out var type) ? type : null;

    public string FullName => Principal?.FindFirstValue(MediVaultClaims.Name) ?? "";

    public string? IpAddress => Context?.Connection.RemoteIpAddress?.ToString();

    public string? UserAgent => Context?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null;
}
