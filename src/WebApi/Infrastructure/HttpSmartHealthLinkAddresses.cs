using MediVault.Application.Common.Abstractions;
using MediVault.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace MediVault.WebApi.Infrastructure;

/// <summary>SMART Health Link addresses on the configured public origin, or else on the origin the request came in on.</summary>
internal sealed class HttpSmartHealthLinkAddresses(IHttpContextAccessor accessor, IOptions<MediVaultOptions> options) : ISmartHealthLinkAddresses
{
    public string ManifestUrl(string manifestId) => $"{Origin()}/api/shl/m/{Uri.EscapeDataString(manifestId)}";

    public string LocationUrl(string token) => $"{Origin()}/api/shl/f/{Uri.EscapeDataString(token)}";

    public string ViewerUrl(string shlink) => $"{Origin()}/shl#{shlink}";

    private string Origin()
    {
        if (options.Value.PublicBaseUrl is { Length: > 0 } configured)
            return configured.TrimEnd('/');
        var request = accessor.HttpContext?.Request
            ?? throw new InvalidOperationException("A SMART Health Link needs MediVault:PublicBaseUrl outside a request.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
