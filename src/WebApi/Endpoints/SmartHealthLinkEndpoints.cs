using Mediator;
using MediVault.Application.Sharing.SmartHealthLinks.CreateSmartHealthLink;
using MediVault.Application.Sharing.SmartHealthLinks.ListSmartHealthLinks;
using MediVault.Application.Sharing.SmartHealthLinks.OpenShlDirectFile;
using MediVault.Application.Sharing.SmartHealthLinks.OpenSmartHealthLink;
using MediVault.Application.Sharing.SmartHealthLinks.ReadShlFile;
using MediVault.Application.Sharing.SmartHealthLinks.RevokeSmartHealthLink;
using MediVault.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediVault.WebApi.Endpoints;

/// <summary>SMART Health Links (issue 17): the patient's links, and the anonymous manifest and file reads any SHL viewer makes.</summary>
public static class SmartHealthLinkEndpoints
{
    /// <summary>The media type of a JWE in compact serialization.</summary>
    public const string Jose = "application/jose";

    public static IEndpointRouteBuilder MapSmartHealthLinkEndpoints(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/shl").WithTags("SMART Health Links");
        links.MapPost("/", Create).RequireAuthorization().WithName("CreateSmartHealthLink")
            .WithSummary("Shares the signed-in patient's emergency summary and chosen files as a SMART Health Link.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        links.MapGet("/", List).RequireAuthorization().WithName("ListSmartHealthLinks")
            .WithSummary("The signed-in patient's SMART Health Links, newest first, without keys or passcodes.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        links.MapDelete("/{id:guid}", Revoke).RequireAuthorization().WithName("RevokeSmartHealthLink")
            .WithSummary("Revokes one of the signed-in patient's SMART Health Links at once.")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        var anonymous = links.MapGroup("").AllowAnonymous().RequireRateLimiting(AuthSetup.ShlRateLimit).RequireCors(AuthSetup.ShlCorsPolicy);
        anonymous.MapPost("/m/{manifestId}", Manifest).WithName("GetSmartHealthLinkManifest")
            .WithSummary("The manifest of a SMART Health Link (anonymous, any origin). Body: recipient, passcode for P links, embeddedLengthMax.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        anonymous.MapGet("/m/{manifestId}", DirectFile).WithName("GetSmartHealthLinkDirectFile")
            .WithSummary("The one encrypted file of a U-flagged SMART Health Link, as application/jose (anonymous, any origin).")
            .Produces<string>(StatusCodes.Status200OK, Jose)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        anonymous.MapGet("/f/{token}", Location).WithName("GetSmartHealthLinkFile")
            .WithSummary("A manifest entry's location: the entry's JWE as application/jose, for 15 minutes (anonymous, any origin).")
            .Produces<string>(StatusCodes.Status200OK, Jose)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<Created<SmartHealthLinkCreated>> Create(CreateSmartHealthLink request, IMediator mediator, CancellationToken ct) =>
        TypedResults.Created((string?)null, await mediator.Send(request, ct));

    private static async Task<Ok<IReadOnlyList<SmartHealthLinkSummary>>> List(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListSmartHealthLinks(), ct));

    private static async Task<NoContent> Revoke(Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new RevokeSmartHealthLink(id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ShlManifest>> Manifest(string manifestId, ManifestRequest request, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new OpenSmartHealthLink(manifestId, request.Recipient, request.Passcode, request.EmbeddedLengthMax), ct));

    private static async Task<ContentHttpResult> DirectFile(string manifestId, string? recipient, IMediator mediator, CancellationToken ct) =>
        TypedResults.Text((await mediator.Send(new OpenShlDirectFile(manifestId, recipient), ct)).Jwe, Jose);

    private static async Task<ContentHttpResult> Location(string token, IMediator mediator, CancellationToken ct) =>
        TypedResults.Text((await mediator.Send(new ReadShlFile(token), ct)).Jwe, Jose);
}

/// <summary>The body of a manifest request, as the SMART Health Links specification defines it.</summary>
/// <param name="Recipient">Who is opening the link (a person or an organisation), shown to the patient.</param>
/// <param name="Passcode">The passcode, for links flagged P.</param>
/// <param name="EmbeddedLengthMax">The longest embedded JWE the client accepts.</param>
public sealed record ManifestRequest(string? Recipient, string? Passcode, int? EmbeddedLengthMax);
