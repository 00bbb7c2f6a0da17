namespace MediVault.Application.Identity;

/// <summary>Links into the web app that are sent to people by email.</summary>
public interface IAccountLinks
{
    /// <summary>
    /// The web app's reset page with the token in the URL's fragment (<c>/#/reset-password?token=…</c>): a browser never
    /// sends a fragment to a server, so the token reaches no access log or proxy on the way.
    /// </summary>
    string PasswordResetUrl(string token);
}
