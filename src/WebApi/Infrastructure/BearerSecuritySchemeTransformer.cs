using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MediVault.WebApi.Infrastructure;

/// <summary>Describes the bearer token (or session cookie) the protected endpoints take.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "MediVault API";
        document.Info.Description = "The MediVault HTTP API, version 1. Tokens come from POST /api/auth/login or the OAuth 2.0 server at /connect/token.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "OpenIddict access token",
            Description = "Authorization: Bearer <accessToken>. Browsers may use the session cookie instead.",
        };
        return Task.CompletedTask;
    }
}
