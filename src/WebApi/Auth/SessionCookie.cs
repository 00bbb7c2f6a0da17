using System.Security.Claims;
using System.Security.Cryptography;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// The browser session: an HttpOnly, SameSite=Strict cookie naming an OpenIddict authorization (the session),
/// plus a readable XSRF-TOKEN cookie whose value must come back in the X-XSRF-TOKEN header on state-changing requests.
/// </summary>
internal static class SessionCookie
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "mv_session";
    public const string XsrfCookieName = "XSRF-TOKEN";
    public const string XsrfHeaderName = "X-XSRF-TOKEN";
    public const string XsrfClaim = "xsrf";
    public const string SessionClaim = Claims.Private.AuthorizationId;

    /// <summary>Signs the browser in with the same identity and session as the tokens just issued.</summary>
    public static async Task SignInAsync(HttpContext context, SessionInfo session)
    {
        var xsrf = Base64Url(RandomNumberGenerator.GetBytes(32));
        var identity = new ClaimsIdentity(
            [
                new Claim(MediVaultClaims.Subject, session.User.Id.ToString()),
                new Claim(MediVaultClaims.Name, session.User.FullName),
                new Claim(MediVaultClaims.Email, session.User.Email),
                new Claim(MediVaultClaims.AccountType, session.User.AccountType.ToString()),
                new Claim(SessionClaim, session.SessionId),
                new Claim(XsrfClaim, xsrf),
            ],
            Scheme, MediVaultClaims.Name, null);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
        context.Response.Cookies.Append(XsrfCookieName, xsrf, new CookieOptions
        {
            HttpOnly = false, // read by the page's script and sent back as a header: that is the point
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
    }

    public static async Task SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(Scheme);
        context.Response.Cookies.Delete(XsrfCookieName, new CookieOptions { Path = "/" });
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>What the token endpoint leaves for the /api/auth adapter: whom it signed in, under which session.</summary>
internal sealed record SessionInfo(MediVault.Application.Identity.UserDto User, string SessionId)
{
    public const string ItemKey = "MediVault.Session";
}
