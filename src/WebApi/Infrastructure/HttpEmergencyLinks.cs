using MediVault.Application.Emergency;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace MediVault.WebApi.Infrastructure;

/// <summary>Emergency and password-reset links on the configured public origin, or else on the origin the request came in on.</summary>
internal sealed class HttpEmergencyLinks(IHttpContextAccessor accessor, IOptions<MediVaultOptions> options)
    : IEmergencyLinks, MediVault.Application.Identity.IAccountLinks
{
    public string EmergencyPageUrl(string token) => $"{Origin()}/emergency/{Uri.EscapeDataString(token)}";

    public string PathFreeEmergencyPageUrl(string token) => $"{Origin()}/emergency#t={Uri.EscapeDataString(token)}";
    /// <summary>The token rides in the fragment, which no browser sends to a server (so no access log ever holds it).</summary>
    public string PasswordResetUrl(string token) => $"{Origin()}/#/reset-password?token={Uri.EscapeDataString(token)}";

    private string Origin()
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
            return configured.TrimEnd('/');
        var request = accessor.HttpContext?.Request
            ?? throw new InvalidOperationException("An emergency link needs MediVault:PublicBaseUrl outside a request.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
