using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MediVault.Application.Identity;
using MediVault.Infrastructure.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MediVault.WebApi.Auth;

/// <summary>
/// Serves the contract's JSON endpoints <c>POST /api/auth/login</c> and <c>/api/auth/refresh</c> through the one OAuth
/// token endpoint, so first-party and integration tokens come from the same OpenIddict server: the JSON body becomes a
/// password or refresh_token grant for the first-party client, and the OAuth answer becomes the contract's login
/// answer (and, for a login, the browser session cookie).
/// </summary>
internal sealed class AuthApiAdapter(RequestDelegate next)
{
    private const int MaxBodyBytes = 16 * 1024;
    private static readonly PathString Login = "/api/auth/login";
    private static readonly PathString Refresh = "/api/auth/refresh";
    private static readonly PathString SecondStep = "/api/auth/login/two-factor";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var isLogin = context.Request.Path.Equals(Login, StringComparison.OrdinalIgnoreCase);
        var isRefresh = context.Request.Path.Equals(Refresh, StringComparison.OrdinalIgnoreCase);
        var isSecondStep = context.Request.Path.Equals(SecondStep, StringComparison.OrdinalIgnoreCase);
        if (!HttpMethods.IsPost(context.Request.Method) || !(isLogin || isRefresh || isSecondStep))
        {
            await next(context);
            return;
        }
        var grant = isLogin ? GrantKind.Password : isSecondStep ? GrantKind.SecondStep : GrantKind.Refresh;
        isLogin |= isSecondStep; // the second step ends like a login: tokens and the session cookie

        var form = await ReadGrantAsync(context, grant);
        if (form.Errors is not null)
        {
            await WriteProblemAsync(context, problems, new HttpValidationProblemDetails(form.Errors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = "See errors for the fields to correct.",
            });
            return;
        }

        var body = Encoding.UTF8.GetBytes(string.Join('&', form.Fields!.Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value))));
        context.Request.Path = "/connect/token";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        context.Request.Headers.Remove("Authorization"); // the token endpoint authenticates by the grant, not by a bearer

        var originalBody = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = originalBody;
        }

        captured.Position = 0;
        var answer = context.Response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            ? await JsonNode.ParseAsync(captured, cancellationToken: context.RequestAborted) as JsonObject
            : null;

        if (context.Response.StatusCode == StatusCodes.Status200OK && answer?["access_token"] is not null
            && context.Items[SessionInfo.ItemKey] is SessionInfo session)
        {
            if (isLogin)
                await SessionCookie.SignInAsync(context, session);
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentLength = null;
            await context.Response.WriteAsJsonAsync(new LoginResponse(
                (string)answer["access_token"]!, "Bearer", (int?)answer["expires_in"] ?? 0, (string?)answer["refresh_token"] ?? "", session.User),
                json.Value.SerializerOptions, context.RequestAborted);
            return;
        }

        if (context.Items[TwoFactorStep.ItemKey] is TwoFactorStep step)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.Headers.Remove("WWW-Authenticate");
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentLength = null;
            await context.Response.WriteAsJsonAsync(
                new TwoFactorChallengeResponse(true, step.Challenge, (int)step.Lifetime.TotalSeconds), json.Value.SerializerOptions, context.RequestAborted);
            return;
        }

        if (answer?["error"] is not null)
        {
            var error = (string?)answer["error"];
            var description = (string?)answer["error_description"];
            var status = error is Errors.InvalidGrant ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest;
            context.Response.Headers.Remove("WWW-Authenticate");
            await WriteProblemAsync(context, problems, new ProblemDetails
            {
                Status = status,
                Title = status == StatusCodes.Status401Unauthorized ? (isLogin ? "Sign-in failed" : "Refresh failed") : "Bad request",
                Detail = isLogin || description is null ? description : "The refresh token is invalid, expired or already used. Sign in again.",
            });
            return;
        }

        // Anything else (a rate-limit 429, an unexpected failure) passes through as it was written.
        captured.Position = 0;
        context.Response.ContentLength = captured.Length;
        await captured.CopyToAsync(originalBody, context.RequestAborted);
    }

    /// <summary>A property given twice is a malformed body (400), not a failure when the object is first read (500).</summary>
    private static readonly JsonDocumentOptions SingleProperties = new() { AllowDuplicateProperties = false };

    private sealed record Grant(Dictionary<string, string>? Fields, Dictionary<string, string[]>? Errors);

    private enum GrantKind
    {
        Password,
        Refresh,
        SecondStep,
    }

    private static async Task<Grant> ReadGrantAsync(HttpContext context, GrantKind kind)
    {
        JsonObject? body = null;
        if (context.Request.ContentLength is > MaxBodyBytes)
            return Invalid("body", "The request body is too large.");
        try
        {
            using var limited = new MemoryStream();
            await context.Request.Body.CopyToAsync(limited, context.RequestAborted);
            if (limited.Length > MaxBodyBytes)
                return Invalid("body", "The request body is too large.");
            limited.Position = 0;
            body = limited.Length == 0 ? null
                : await JsonNode.ParseAsync(limited, documentOptions: SingleProperties, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return Invalid("body", "The body must be a JSON object.");
        }
        if (body is null)
            return Invalid("body", "The body must be a JSON object.");

        if (kind == GrantKind.SecondStep)
        {
            var stepErrors = new Dictionary<string, string[]>();
            var challenge = StringField(body, "challenge", stepErrors);
            var code = StringField(body, "code", stepErrors);
            return stepErrors.Count > 0
                ? new Grant(null, stepErrors)
                : new Grant(new Dictionary<string, string>
                {
                    ["grant_type"] = TwoFactorGrant.Type,
                    ["client_id"] = IdentityServices.FirstPartyClientId,
                    [TwoFactorGrant.ChallengeParameter] = challenge!,
                    [TwoFactorGrant.CodeParameter] = code!,
                    ["scope"] = $"{Scopes.OfflineAccess} {IdentityServices.ApiScope}",
                }, null);
        }

        if (kind == GrantKind.Password)
        {
            var errors = new Dictionary<string, string[]>();
            var email = StringField(body, "email", errors);
            var password = StringField(body, "password", errors);
            return errors.Count > 0
                ? new Grant(null, errors)
                : new Grant(new Dictionary<string, string>
                {
                    ["grant_type"] = GrantTypes.Password,
                    ["client_id"] = IdentityServices.FirstPartyClientId,
                    ["username"] = email!.Trim(),
                    ["password"] = password!,
                    ["scope"] = $"{Scopes.OfflineAccess} {IdentityServices.ApiScope}",
                }, null);
        }

        var refreshErrors = new Dictionary<string, string[]>();
        var refreshToken = StringField(body, "refreshToken", refreshErrors);
        return refreshErrors.Count > 0
            ? new Grant(null, refreshErrors)
            : new Grant(new Dictionary<string, string>
            {
                ["grant_type"] = GrantTypes.RefreshToken,
                ["client_id"] = IdentityServices.FirstPartyClientId,
                ["refresh_token"] = refreshToken!,
            }, null);
    }

    private static string? StringField(JsonObject body, string name, Dictionary<string, string[]> errors)
    {
        var node = body[name];
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
        {
            // A NUL cannot be part of any email, password or token we issue, and it breaks the layers below.
            if (!text.Contains('\0', StringComparison.Ordinal))
                return text;
            errors[name] = [$"{name} must not contain NUL characters."];
            return null;
        }
        errors[name] = [node is null ? $"{name} is required." : $"{name} must be a non-empty string."];
        return null;
    }

    private static Grant Invalid(string field, string message) => new(null, new() { [field] = [message] });

    private static async Task WriteProblemAsync(HttpContext context, IProblemDetailsService problems, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        context.Response.ContentLength = null;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}

/// <summary>The answer to a sign-in or a refresh.</summary>
public sealed record LoginResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, UserDto User);

/// <summary>Credentials for <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string Email, string Password);

/// <summary>Body of <c>POST /api/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string RefreshToken);
